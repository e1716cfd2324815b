package io.tandem.config.keepalived;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement of keepalived.conf: a keyword, its arguments, and, for a block
 * ({@code vrrp_instance VI_1 { ... }}), the statements inside it. Inside list blocks such as
 * {@code virtual_ipaddress} each entry is a statement whose keyword is its first word
 * ({@code 198.51.100.10/24 dev eth0} has keyword {@code 198.51.100.10/24}).
 *
 * @param file the file the statement was read from (keepalived.conf or an included file)
 * @param line 1-based line of the keyword
 */
public record KeepalivedNode(String keyword, List<String> args, List<KeepalivedNode> children, boolean block,
        Path file, int line) {
    public KeepalivedNode {
        args = List.copyOf(args);
        children = List.copyOf(children);
    }

    /** {@code keepalived.conf:12}, for messages. */
    public String where() {
        return file.getFileName() + ":" + line;
    }

    /** The statement as written, without its block: {@code virtual_server 198.51.100.10 80}. */
    public String text() {
        return args.isEmpty() ? keyword : keyword + " " + String.join(" ", args);
    }

    /** The first child statement named {@code keyword}, or null. */
    public KeepalivedNode child(String keyword) {
        for (KeepalivedNode c : children) {
            if (c.keyword.equals(keyword)) {
                return c;
            }
        }
        return null;
    }

    /** Every child statement named {@code keyword}, in file order. */
    public List<KeepalivedNode> all(String keyword) {
        List<KeepalivedNode> out = new ArrayList<>();
        for (KeepalivedNode c : children) {
            if (c.keyword.equals(keyword)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The first argument, or null when there is none. */
    public String arg() {
        return args.isEmpty() ? null : args.get(0);
    }
}
