package io.tandem.cli;

import io.tandem.config.ConfigException;
import io.tandem.config.keepalived.KeepalivedConfParser;
import io.tandem.config.keepalived.KeepalivedTranslation;
import io.tandem.config.keepalived.KeepalivedTranslator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tandemctl import-keepalived FILE --peer NAME [--node NAME] [--out DIR]}: translates one
 * director's keepalived.conf into ha.cf, haresources and director.cf. With {@code --out} it writes
 * them, plus an authkeys with a fresh key created mode 0600 (an existing authkeys is kept), and
 * loads the result back with Tandem's parsers; without it, it prints them. What could not be
 * translated is listed one per line as {@code untranslated: keepalived.conf:LINE: ...}.
 */
@Command(name = "import-keepalived",
        description = "Translate a keepalived.conf into ha.cf, haresources and director.cf; list what does not carry over.")
final class ImportKeepalived implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "keepalived.conf of one of the two directors")
    Path file;

    @Option(names = "--peer", required = true, paramLabel = "NAME",
            description = "the other director's node name (keepalived.conf has no node names)")
    String peer;

    @Option(names = "--node", paramLabel = "NAME",
            description = "node name of the director FILE belongs to (default: this host's name)")
    String node;

    @Option(names = "--out", paramLabel = "DIR", description = "write the files into DIR instead of printing them")
    Path out;

    @Option(names = "--force", description = "overwrite ha.cf, haresources and director files in DIR (never authkeys)")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String self = node != null ? node : CheckConfig.hostName();
        KeepalivedTranslation t;
        try {
            t = KeepalivedTranslator.translate(file, KeepalivedConfParser.parse(file), self, peer);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Tandemctl.EXIT_REFUSED;
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("ha.cf", t.haCf());
        files.put("haresources", t.haresources());
        files.putAll(t.directorFiles());
        int code = out == null ? print(files, stdout) : write(files, t, self, stdout, err);
        t.notes().forEach(n -> stdout.println("note: " + n));
        t.untranslated().forEach(u -> stdout.println("untranslated: " + u));
        stdout.println("tandemctl: " + t.untranslated().size() + " statement(s) of " + file + " not translated"
                + (t.untranslated().isEmpty() ? "" : " (listed above)"));
        stdout.flush();
        err.flush();
        return code;
    }

    private int print(Map<String, String> files, PrintWriter stdout) {
        files.forEach((name, text) -> stdout.print("==> " + name + " <==\n" + text + "\n"));
        stdout.println("tandemctl: authkeys not printed; with --out DIR one is written with a fresh key, mode 0600."
                + " Or write it yourself: 'auth 1' and '1 sha256 SECRET', chmod 600, the same on both directors.");
        return Tandemctl.EXIT_OK;
    }

    private int write(Map<String, String> files, KeepalivedTranslation t, String self, PrintWriter stdout,
            PrintWriter err) throws IOException {
        Files.createDirectories(out);
        if (!force) {
            List<String> existing = new ArrayList<>();
            for (String name : files.keySet()) {
                if (Files.exists(out.resolve(name))) {
                    existing.add(out.resolve(name).toString());
                }
            }
            if (!existing.isEmpty()) {
                err.println("tandemctl: " + String.join(", ", existing) + " already exist(s); use --force to replace");
                return Tandemctl.EXIT_REFUSED;
            }
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(out.resolve(f.getKey()), f.getValue());
            stdout.println("wrote " + out.resolve(f.getKey()));
        }
        Path authkeys = out.resolve("authkeys");
        try {
            // Created with its mode, so the key is never readable by others, not even for a moment.
            Files.createFile(authkeys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(authkeys, KeepalivedTranslation.authkeysWithFreshKey(new SecureRandom()),
                    StandardOpenOption.TRUNCATE_EXISTING);
            stdout.println("wrote " + authkeys + " (mode 0600, a fresh sha256 key: copy it to both directors)");
        } catch (FileAlreadyExistsException e) {
            stdout.println("kept " + authkeys + ": it exists already");
        }
        ConfigDirCheck.Result check = ConfigDirCheck.check(out, List.of(self, peer), a -> false);
        if (!check.valid()) {
            check.errors().forEach(err::println);
            err.println("tandemctl: the translated files do not load; this is a bug in import-keepalived");
            return Tandemctl.EXIT_REFUSED;
        }
        stdout.println("tandemctl: " + out + " loads for " + self + " and " + peer
                + "; copy it to both directors (e.g. as /etc/tandem), then tandemctl check-config there");
        return Tandemctl.EXIT_OK;
    }
}
