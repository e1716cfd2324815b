package io.tandem.daemon.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.config.NamedResourceSpec;
import io.tandem.failover.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceResolverTest {
    @TempDir
    Path dir;

    private Path script(Path where, String name, String body) throws IOException {
        Files.createDirectories(where);
        Path p = where.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private ResourceResolver resolver() {
        return new ResourceResolver(List.of(dir.resolve("resource.d"), dir.resolve("ha.d")), dir.resolve("init.d"),
                dir.resolve("no-systemd"));
    }

    @Test
    void shouldRunResourceDScriptWithArgumentsThenTheAction() throws Exception {
        Path marker = dir.resolve("marker");
        script(dir.resolve("resource.d"), "mark",
                "case \"$2\" in start) echo \"$1\" > " + marker + ";; stop) rm -f " + marker + ";; status) test -f " + marker
                        + ";; esac");
        Resource r = resolver().resolve(new NamedResourceSpec("mark", List.of("hello"), "mark::hello"));
        assertEquals("mark::hello", r.name());
        assertFalse(r.isRunning());
        r.start();
        assertEquals("hello\n", Files.readString(marker));
        assertTrue(r.isRunning());
        r.stop();
        assertFalse(Files.exists(marker));
    }

    @Test
    void shouldPreferTandemsResourceDirThenHeartbeatsThenInitD() throws Exception {
        script(dir.resolve("init.d"), "svc", "exit 3");
        script(dir.resolve("ha.d"), "svc", "exit 0");
        Resource r = resolver().resolve(new NamedResourceSpec("svc", List.of(), "svc"));
        r.start();
        script(dir.resolve("resource.d"), "svc", "echo from tandem; exit 4");
        Exception e = assertThrows(IOException.class, () -> resolver().resolve(new NamedResourceSpec("svc", List.of(), "svc")).start());
        assertTrue(e.getMessage().endsWith("exited 4: from tandem"), e.getMessage());
    }

    @Test
    void shouldUseLsbInitScript() throws Exception {
        script(dir.resolve("init.d"), "postfix", "test \"$1\" = start");
        resolver().resolve(new NamedResourceSpec("postfix", List.of(), "postfix")).start();
    }

    @Test
    void shouldNameWhereItLookedWhenNothingRunsTheResource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver().resolve(new NamedResourceSpec("nope", List.of(), "nope")));
        assertTrue(e.getMessage().startsWith("resource 'nope' not found"), e.getMessage());
        assertTrue(e.getMessage().contains("init.d"), e.getMessage());
    }

    @Test
    void shouldRefuseAScriptThatIsNotExecutable() throws Exception {
        Path p = script(dir.resolve("resource.d"), "plain", "exit 0");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver().resolve(new NamedResourceSpec("plain", List.of(), "plain")));
        assertTrue(e.getMessage().contains("not executable"), e.getMessage());
    }

    @Test
    void shouldKillAResourceThatHangsPastItsTimeout() throws Exception {
        Path p = script(dir.resolve("resource.d"), "hang", "sleep 30");
        CommandResource r = CommandResource.withActionLast("hang", List.of(p.toString()), "start", "stop", "status", 200);
        IOException e = assertThrows(IOException.class, r::start);
        assertTrue(e.getMessage().contains("did not finish within 200 ms"), e.getMessage());
    }
}
