package io.tandem.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a metrics exposition with the Prometheus project's own parsers, those of its Python
 * client ({@code prometheus_client.parser} for the text format, the strict
 * {@code prometheus_client.openmetrics.parser} for OpenMetrics), run by Debian's
 * {@code /usr/bin/python3} from the {@code python3-prometheus-client} package. A malformed
 * exposition makes the parser fail, and so {@link #parse}: tests get no second, home-made opinion
 * of the format.
 */
public final class PrometheusParser {
    static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = String.join("\n",
            "import json, math, sys",
            "fmt, path = sys.argv[1], sys.argv[2]",
            "if fmt == 'openmetrics':",
            "    from prometheus_client.openmetrics.parser import text_string_to_metric_families",
            "else:",
            "    from prometheus_client.parser import text_string_to_metric_families",
            "text = open(path, encoding='utf-8').read()",
            "out = []",
            "for f in text_string_to_metric_families(text):",
            "    out.append({'name': f.name, 'type': f.type, 'help': f.documentation, 'samples': [",
            "        {'name': s.name, 'labels': s.labels,",
            "         'value': s.value if math.isfinite(s.value) else repr(s.value)} for s in f.samples]})",
            "print(json.dumps(out))");

    /** The exposition formats a scrape can return. */
    public enum Format {
        /** Prometheus text format 0.0.4, what a scrape gets by default. */
        TEXT,
        /** OpenMetrics 1.0, what Prometheus asks for first. */
        OPENMETRICS
    }

    /** One sample: its full name (with {@code _total}, {@code _bucket}, ...), labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One metric family as the parser sees it; {@code name} without {@code _total} for counters. */
    public record Family(String name, String type, String help, List<Sample> samples) {
        /** The value of the sample called {@code name} with exactly {@code labels} (name, value, ...), or NaN. */
        public double value(String sampleName, String... labels) {
            Map<String, String> wanted = new LinkedHashMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                wanted.put(labels[i], labels[i + 1]);
            }
            return samples.stream().filter(s -> s.name().equals(sampleName) && s.labels().equals(wanted))
                    .mapToDouble(Sample::value).findFirst().orElse(Double.NaN);
        }
    }

    private PrometheusParser() {
    }

    /** Python's repr of a value that is not finite. */
    private static double special(String repr) {
        return switch (repr) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    /**
     * Parses {@code exposition}; families by name, in the order they came.
     *
     * @throws IllegalStateException with the parser's error if the exposition is malformed, or if
     *                               python3-prometheus-client is missing (scripts/prerequisites.sh installs it)
     */
    public static Map<String, Family> parse(String exposition, Format format) {
        try {
            Path file = Files.createTempFile("exposition", ".txt");
            try {
                Files.writeString(file, exposition, StandardCharsets.UTF_8);
                Exec.Result r = Exec.run(List.of(PYTHON, "-c", SCRIPT, format == Format.OPENMETRICS ? "openmetrics" : "text",
                        file.toString()), 30_000);
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("the Prometheus " + format + " parser refused the exposition"
                            + " (or python3-prometheus-client is missing): " + r.stderr().strip());
                }
                Map<String, Family> out = new LinkedHashMap<>();
                for (JsonNode f : new ObjectMapper().readTree(r.stdout())) {
                    List<Sample> samples = new java.util.ArrayList<>();
                    for (JsonNode s : f.path("samples")) {
                        Map<String, String> labels = new LinkedHashMap<>();
                        s.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                        JsonNode v = s.path("value");
                        samples.add(new Sample(s.path("name").asText(), labels,
                                v.isNumber() ? v.asDouble() : special(v.asText())));
                    }
                    out.put(f.path("name").asText(), new Family(f.path("name").asText(), f.path("type").asText(),
                            f.path("help").asText(), List.copyOf(samples)));
                }
                return out;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
