package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints the daemon's {@code services} and {@code conns} answers in ipvsadm's layout, so that an
 * LVS operator's eyes (and awk scripts) find things where they always were; one header line per
 * director says whether this node forwards for it.
 */
final class ServicesPrinter {
    /** Which numbers the real-server lines carry. */
    enum Columns { WEIGHTS, STATS, RATE }

    private ServicesPrinter() {
    }

    static void printServices(JsonNode answer, Columns columns, PrintWriter out, PrintWriter err) {
        if (!answer.path("ok").asBoolean(false)) {
            err.println("tandemctl: " + answer.path("error").asText("refused"));
            return;
        }
        if (answer.path("directors").isEmpty()) {
            out.println("no director resource in haresources: this pair forwards nothing");
            return;
        }
        for (JsonNode d : answer.path("directors")) {
            out.printf("director %s (%s): %s, connections %d of %d%n", d.path("name").asText(), d.path("file").asText(),
                    d.path("forwarding").asBoolean() ? "forwarding on this node" : "standby on this node (not forwarding)",
                    d.path("size").asInt(), d.path("capacity").asInt());
            switch (columns) {
                case WEIGHTS -> {
                    out.println("Prot LocalAddress:Port Scheduler Flags");
                    out.println("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn Health");
                }
                case STATS -> {
                    out.printf("%-33s %8s %8s %8s %10s %10s%n", "Prot LocalAddress:Port", "Conns", "InPkts",
                            "OutPkts", "InBytes", "OutBytes");
                    out.println("  -> RemoteAddress:Port");
                }
                case RATE -> {
                    out.printf("%-33s %8s %8s %8s %10s %10s%n", "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS",
                            "InBPS", "OutBPS");
                    out.println("  -> RemoteAddress:Port");
                }
            }
            for (JsonNode s : d.path("services")) {
                printService(s, columns, out);
            }
        }
    }

    private static void printService(JsonNode s, Columns columns, PrintWriter out) {
        String local = String.format("%-4s %s", s.path("protocol").asText(),
                endpoint(s.path("address").asText(), s.path("port").asInt()));
        switch (columns) {
            case WEIGHTS -> {
                StringBuilder flags = new StringBuilder(s.path("scheduler").asText());
                if (s.path("persistentSeconds").asLong() > 0) {
                    flags.append(" persistent ").append(s.path("persistentSeconds").asLong());
                    int mask = s.path("persistenceMask").asInt(-1);
                    if (mask >= 0) {
                        flags.append(" mask /").append(mask);
                    }
                }
                out.println(local + " " + flags);
            }
            case STATS -> out.printf("%-33s %8d %8d %8d %10d %10d%n", local, sum(s, "connections"),
                    sum(s, "inPackets"), sum(s, "outPackets"), sum(s, "inBytes"), sum(s, "outBytes"));
            case RATE -> out.printf(Locale.ROOT, "%-33s %8.0f %8.0f %8.0f %10.0f %10.0f%n", local,
                    sumRate(s, "connections"), sumRate(s, "inPackets"), sumRate(s, "outPackets"),
                    sumRate(s, "inBytes"), sumRate(s, "outBytes"));
        }
        for (JsonNode r : s.path("reals")) {
            String remote = "  -> " + endpoint(r.path("address").asText(), r.path("port").asInt());
            switch (columns) {
                case WEIGHTS -> {
                    String health = r.path("fallback").asBoolean() ? "fallback" : r.path("health").asText();
                    String reason = r.path("healthReason").asText("");
                    if (!r.path("member").asBoolean(true)) {
                        health += " (removed)";
                    }
                    out.printf("%-33s %-7s %-6d %-10d %-9d %s%n", remote, forward(r.path("forwarding").asText()),
                            r.path("weight").asInt(), r.path("activeConnections").asInt(),
                            r.path("inactiveConnections").asInt(), reason.isEmpty() ? health : health + ": " + reason);
                }
                case STATS -> out.printf("%-33s %8d %8d %8d %10d %10d%n", remote, r.path("connections").asLong(),
                        r.path("inPackets").asLong(), r.path("outPackets").asLong(), r.path("inBytes").asLong(),
                        r.path("outBytes").asLong());
                case RATE -> {
                    JsonNode rate = r.path("rate");
                    out.printf(Locale.ROOT, "%-33s %8.0f %8.0f %8.0f %10.0f %10.0f%n", remote,
                            rate.path("connections").asDouble(), rate.path("inPackets").asDouble(),
                            rate.path("outPackets").asDouble(), rate.path("inBytes").asDouble(),
                            rate.path("outBytes").asDouble());
                }
            }
        }
    }

    static void printConnections(JsonNode answer, PrintWriter out, PrintWriter err) {
        if (!answer.path("ok").asBoolean(false)) {
            err.println("tandemctl: " + answer.path("error").asText("refused"));
            return;
        }
        out.println("pro expire state       source                    virtual                   destination               learnt");
        for (JsonNode d : answer.path("directors")) {
            for (JsonNode c : d.path("connections")) {
                long expire = c.path("expireSeconds").asLong();
                out.printf("%-3s %02d:%02d  %-11s %-25s %-25s %-25s %s%n", c.path("protocol").asText(), expire / 60,
                        expire % 60, c.path("state").asText(), c.path("client").asText(), c.path("virtual").asText(),
                        c.path("destination").asText(), c.path("synced").asBoolean() ? "sync" : "local");
            }
        }
    }

    private static long sum(JsonNode service, String field) {
        long total = 0;
        for (JsonNode r : service.path("reals")) {
            total += r.path(field).asLong();
        }
        return total;
    }

    private static double sumRate(JsonNode service, String field) {
        double total = 0;
        for (JsonNode r : service.path("reals")) {
            total += r.path("rate").path(field).asDouble();
        }
        return total;
    }

    private static String forward(String method) {
        return switch (method) {
            case "NAT" -> "Masq";
            case "TUNNEL" -> "Tunnel";
            default -> "Route";
        };
    }

    private static String endpoint(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
