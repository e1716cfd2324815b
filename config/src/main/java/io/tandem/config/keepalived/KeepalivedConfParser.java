package io.tandem.config.keepalived;

import io.tandem.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Reads keepalived.conf into a tree of {@link KeepalivedNode}s, without interpreting keywords.
 *
 * <pre>
 *   ! comment                      '!' and '#' start a comment anywhere outside quotes
 *   vrrp_instance VI_1 {           a statement is the words of one line; '{' opens its block
 *       virtual_ipaddress { 198.51.100.10/24 }     blocks may open and close on one line
 *   }
 *   global_defs                    '{' may also stand alone on the next line
 *   {
 *   }
 *   include /etc/keepalived/conf.d/*.conf      relative to the including file; globs allowed
 * </pre>
 *
 * Words in double or single quotes keep their spaces and never count as braces or comments.
 * keepalived's conditional lines ({@code @node ...}) and parameters ({@code $NAME=...}) are
 * refused: they make the file mean different things on different hosts, so expand them first.
 * Every error is a {@link ConfigException} naming file and line.
 */
public final class KeepalivedConfParser {
    /** keepalived's include and its variants (they differ only in how missing files are reported). */
    private static final Set<String> INCLUDES = Set.of("include", "includer", "includem", "includew", "includeb",
            "includea");
    private static final int MAX_INCLUDE_DEPTH = 8;

    /** A statement while its block is still being read. */
    private static final class Pending {
        final String keyword;
        final List<String> args = new ArrayList<>();
        final List<Pending> children = new ArrayList<>();
        final Path file;
        final int line;
        boolean block;

        Pending(String keyword, Path file, int line) {
            this.keyword = keyword;
            this.file = file;
            this.line = line;
        }

        KeepalivedNode build() {
            List<KeepalivedNode> built = new ArrayList<>();
            for (Pending c : children) {
                built.add(c.build());
            }
            return new KeepalivedNode(keyword, args, built, block, file, line);
        }
    }

    private record Token(String text, boolean quoted) {
        boolean is(String brace) {
            return !quoted && text.equals(brace);
        }
    }

    private final Deque<Pending> open = new ArrayDeque<>();
    private final Pending root;
    private Pending current;
    /** The statement finished last, on an earlier line: a lone '{' on the next line opens it. */
    private Pending lastFinished;

    private KeepalivedConfParser(Path file) {
        root = new Pending("", file, 0);
        open.push(root);
    }

    /** Parses {@code file} and the files it includes; the top-level statements in order. */
    public static List<KeepalivedNode> parse(Path file) throws ConfigException {
        KeepalivedConfParser parser = new KeepalivedConfParser(file);
        parser.read(file, 0, file, 0);
        if (parser.open.size() > 1) {
            Pending unclosed = parser.open.peek();
            throw new ConfigException(unclosed.file, unclosed.line, "block '" + text(unclosed)
                    + "' is never closed: a '}' is missing");
        }
        return parser.root.build().children();
    }

    private void read(Path file, int depth, Path includer, int includeLine) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(depth == 0 ? file : includer, includeLine,
                    depth == 0 ? "file not found" : "included file " + file + " not found");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            List<Token> tokens = tokens(file, number, lines.get(i));
            if (tokens.isEmpty()) {
                continue;
            }
            String first = tokens.get(0).text();
            if (!tokens.get(0).quoted() && first.startsWith("@")) {
                throw new ConfigException(file, number, "conditional line '" + first
                        + " ...' is not supported; keep the lines of the node you import and remove the @ prefixes");
            }
            if (!tokens.get(0).quoted() && first.startsWith("$") && first.contains("=")) {
                throw new ConfigException(file, number, "parameter definition '" + first
                        + "' is not supported; substitute the parameters first");
            }
            for (Token t : tokens) {
                onToken(t, file, number);
            }
            finishCurrent(depth);
        }
    }

    private void onToken(Token t, Path file, int number) throws ConfigException {
        if (t.is("{")) {
            Pending opening = current;
            if (opening == null) {
                Pending top = open.peek();
                boolean previousLine = lastFinished != null && !top.children.isEmpty()
                        && top.children.get(top.children.size() - 1) == lastFinished && !lastFinished.block;
                if (!previousLine) {
                    throw new ConfigException(file, number, "'{' does not follow a keyword");
                }
                opening = lastFinished;
                top.children.remove(top.children.size() - 1);
            }
            opening.block = true;
            open.peek().children.add(opening);
            open.push(opening);
            current = null;
            lastFinished = null;
        } else if (t.is("}")) {
            if (current != null) {
                open.peek().children.add(current);
                current = null;
            }
            if (open.size() == 1) {
                throw new ConfigException(file, number, "'}' closes no block");
            }
            lastFinished = null;
            open.pop();
        } else if (current == null) {
            current = new Pending(t.text(), file, number);
        } else {
            current.args.add(t.text());
        }
    }

    /** End of a line: the statement on it, if any, is complete (an include is read in its place). */
    private void finishCurrent(int depth) throws ConfigException {
        if (current == null) {
            return;
        }
        Pending done = current;
        current = null;
        if (INCLUDES.contains(done.keyword)) {
            include(done, depth);
            lastFinished = null;
            return;
        }
        open.peek().children.add(done);
        lastFinished = done;
    }

    private void include(Pending statement, int depth) throws ConfigException {
        if (statement.args.size() != 1) {
            throw new ConfigException(statement.file, statement.line, statement.keyword
                    + " takes one file name or pattern, got " + statement.args.size());
        }
        if (depth + 1 > MAX_INCLUDE_DEPTH) {
            throw new ConfigException(statement.file, statement.line, statement.keyword + " nests deeper than "
                    + MAX_INCLUDE_DEPTH + " files (an include loop?)");
        }
        Path dir = statement.file.toAbsolutePath().getParent();
        for (Path f : expand(statement, dir.resolve(statement.args.get(0)))) {
            read(f, depth + 1, statement.file, statement.line);
        }
    }

    /** The files a pattern names, sorted; a pattern with a wildcard in its last part only. */
    private static List<Path> expand(Pending statement, Path pattern) throws ConfigException {
        String name = pattern.getFileName().toString();
        if (!name.contains("*") && !name.contains("?") && !name.contains("[") && !name.contains("{")) {
            return List.of(pattern);
        }
        if (pattern.getParent().toString().matches(".*[*?\\[{].*")) {
            throw new ConfigException(statement.file, statement.line, statement.keyword + " " + statement.args.get(0)
                    + ": wildcards are supported in the file name only, not in directories");
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pattern.getParent(), name)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    out.add(f);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new ConfigException(statement.file, statement.line, statement.keyword + " " + statement.args.get(0)
                    + ": " + e.getMessage());
        }
        out.sort(null);
        return out;
    }

    /** Splits one line into words, braces and quoted strings; drops the comment. */
    private static List<Token> tokens(Path file, int number, String line) throws ConfigException {
        List<Token> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quotedWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"' || c == '\'') {
                int close = line.indexOf(c, i + 1);
                if (close < 0) {
                    throw new ConfigException(file, number, "unterminated " + (c == '"' ? "double" : "single")
                            + " quote");
                }
                word.append(line, i + 1, close);
                quotedWord = true;
                i = close + 1;
                continue;
            }
            if (c == '#' || c == '!') {
                break;
            }
            if (Character.isWhitespace(c) || c == '{' || c == '}') {
                if (word.length() > 0 || quotedWord) {
                    out.add(new Token(word.toString(), quotedWord));
                    word.setLength(0);
                    quotedWord = false;
                }
                if (c == '{' || c == '}') {
                    out.add(new Token(String.valueOf(c), false));
                }
            } else {
                word.append(c);
            }
            i++;
        }
        if (word.length() > 0 || quotedWord) {
            out.add(new Token(word.toString(), quotedWord));
        }
        return out;
    }

    private static String text(Pending p) {
        return p.args.isEmpty() ? p.keyword : p.keyword + " " + String.join(" ", p.args);
    }
}
