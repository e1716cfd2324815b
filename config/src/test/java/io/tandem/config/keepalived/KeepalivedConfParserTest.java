package io.tandem.config.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tandem.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keepalived.conf's grammar: blocks, comments, quotes, includes, and file:line errors. */
class KeepalivedConfParserTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private List<KeepalivedNode> parse(String text) throws Exception {
        return KeepalivedConfParser.parse(write("keepalived.conf", text));
    }

    private ConfigException fails(String text) throws IOException {
        Path file = write("keepalived.conf", text);
        return assertThrows(ConfigException.class, () -> KeepalivedConfParser.parse(file));
    }

    @Test
    void shouldReadNestedBlocksWithTheirLines() throws Exception {
        List<KeepalivedNode> top = parse("""
                ! a comment
                vrrp_instance VI_1 {
                    state MASTER   # trailing comment
                    virtual_ipaddress {
                        198.51.100.10/24 dev eth0
                    }
                }
                """);

        assertEquals(1, top.size());
        KeepalivedNode vi = top.get(0);
        assertEquals("vrrp_instance VI_1 block at 2", vi.text() + (vi.block() ? " block" : "") + " at " + vi.line());
        assertEquals("state MASTER", vi.child("state").text());
        KeepalivedNode vip = vi.child("virtual_ipaddress").children().get(0);
        assertEquals("198.51.100.10/24 dev eth0 at 5", vip.text() + " at " + vip.line());
        assertEquals("keepalived.conf:5", vip.where());
    }

    @Test
    void shouldAcceptBracesOnTheirOwnLineAndBlocksOnOneLine() throws Exception {
        List<KeepalivedNode> top = parse("""
                global_defs
                {
                   router_id d1
                }
                vrrp_sync_group G { group { VI_1 } }
                """);

        assertEquals("router_id d1", top.get(0).child("router_id").text());
        assertEquals("VI_1", top.get(1).child("group").children().get(0).keyword());
    }

    @Test
    void shouldKeepQuotedWordsWholeAndNotTreatQuotedBangsAsComments() throws Exception {
        KeepalivedNode script = parse("vrrp_script chk {\n  script \"/bin/check --name 'a b' !x\"\n}\n").get(0);
        assertEquals(List.of("/bin/check --name 'a b' !x"), script.child("script").args());
    }

    @Test
    void shouldStartACommentAtABangAnywhereOutsideQuotes() throws Exception {
        KeepalivedNode auth = parse("authentication {\n  auth_pass abc!def\n}\n").get(0);
        assertEquals(List.of("abc"), auth.child("auth_pass").args());
    }

    @Test
    void shouldReadIncludedFilesInNameOrderWithTheirOwnLines() throws Exception {
        write("conf.d/20-vs.conf", "virtual_server 198.51.100.10 80 {\n}\n");
        write("conf.d/10-vi.conf", "\nvrrp_instance VI_1 {\n}\n");
        List<KeepalivedNode> top = parse("global_defs {\n}\ninclude conf.d/*.conf\n");

        assertEquals(List.of("global_defs", "vrrp_instance", "virtual_server"),
                top.stream().map(KeepalivedNode::keyword).toList());
        assertEquals("10-vi.conf:2", top.get(1).where());
    }

    @Test
    void shouldNameTheIncludeLineWhenAnIncludedFileIsMissing() throws Exception {
        Path file = write("keepalived.conf", "\ninclude missing.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> KeepalivedConfParser.parse(file));
        assertEquals(file + ":2: included file " + dir.resolve("missing.conf") + " not found", e.getMessage());
    }

    @Test
    void shouldRefuseAnUnclosedBlockNamingWhereItOpened() throws Exception {
        ConfigException e = fails("vrrp_instance VI_1 {\n  state MASTER\n  virtual_ipaddress {\n}\n");
        assertEquals(dir.resolve("keepalived.conf") + ":1: block 'vrrp_instance VI_1' is never closed: a '}' is missing",
                e.getMessage());
    }

    @Test
    void shouldRefuseAStrayClosingBrace() throws Exception {
        ConfigException e = fails("global_defs {\n}\n}\n");
        assertEquals(dir.resolve("keepalived.conf") + ":3: '}' closes no block", e.getMessage());
    }

    @Test
    void shouldRefuseConditionalLinesAndParameters() throws Exception {
        assertEquals(dir.resolve("keepalived.conf") + ":2: conditional line '@main ...' is not supported; keep the"
                + " lines of the node you import and remove the @ prefixes",
                fails("global_defs {\n@main router_id a\n}\n").getMessage());
        assertEquals(dir.resolve("keepalived.conf") + ":1: parameter definition '$PRIO=100' is not supported;"
                + " substitute the parameters first", fails("$PRIO=100\n").getMessage());
    }

    @Test
    void shouldRefuseAnUnterminatedQuote() throws Exception {
        assertEquals(dir.resolve("keepalived.conf") + ":2: unterminated double quote",
                fails("vrrp_script x {\n script \"/bin/true\n}\n").getMessage());
    }

    @Test
    void shouldReportAMissingFileAsSuch() {
        Path file = dir.resolve("nope.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> KeepalivedConfParser.parse(file));
        assertEquals(file + ": file not found", e.getMessage());
    }
}
