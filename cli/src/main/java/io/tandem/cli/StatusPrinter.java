package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;

/** Formats status answers as short tables for a person at a terminal. */
final class StatusPrinter {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private StatusPrinter() {
    }

    static void print(JsonNode a, PrintWriter out, PrintWriter err) {
        if (!a.path("ok").asBoolean()) {
            err.println("tandemctl: " + a.path("error").asText("tandemd refused the request"));
            return;
        }
        JsonNode peer = a.path("peer");
        out.printf("node %s: %s%n", a.path("node").asText(), a.path("state").asText());
        if (a.path("maintenance").asBoolean()) {
            out.println("*** MAINTENANCE MODE: nothing moves, whatever happens; 'tandemctl maintenance off' to end it ***");
        }
        out.printf("peer %s: %s (%s)%n", peer.path("name").asText(), peer.path("alive").asBoolean() ? "alive" : "dead",
                peer.path("reason").asText());
        if (peer.has("lastHeardMillisAgo")) {
            out.printf("  last heard %d ms ago%n", peer.path("lastHeardMillisAgo").asLong());
        }
        if (!peer.path("configMatches").asBoolean(true)) {
            out.println("  WARNING: the peer's config differs from ours (ha.cf/haresources digest mismatch)");
        }
        out.println();
        out.printf("%-20s %-11s %-20s %-10s %s%n", "GROUP", "STATE", "SINCE", "PREFERRED", "REASON");
        for (JsonNode g : a.path("groups")) {
            out.printf("%-20s %-11s %-20s %-10s %s%n", g.path("name").asText(), g.path("state").asText(),
                    TIME.format(Instant.ofEpochMilli(g.path("sinceEpochMillis").asLong())),
                    g.path("preferredNode").asText(), g.path("reason").asText());
        }
        out.println();
        out.printf("%-20s %-36s %s%n", "GROUP", "RESOURCE", "HELD");
        for (JsonNode r : a.path("resources")) {
            out.printf("%-20s %-36s %s%n", r.path("group").asText(), r.path("resource").asText(),
                    r.path("held").asBoolean() ? "yes" : "no");
        }
        JsonNode links = a.path("heartbeat").path("links");
        if (links.isArray() && links.size() > 0) {
            out.println();
            out.printf("%-34s %-5s %-12s %-7s %s%n", "HEARTBEAT LINK", "UP", "LAST HEARD", "LOSS", "RTT");
            for (JsonNode l : links) {
                out.printf("%-34s %-5s %-12s %-7s %s%n", l.path("name").asText(), l.path("up").asBoolean() ? "yes" : "NO",
                        l.path("lastHeardMillisAgo").asLong() < 0 ? "never" : l.path("lastHeardMillisAgo").asLong() + " ms ago",
                        l.path("lossPercent").asDouble() < 0 ? "-" : l.path("lossPercent").asText() + "%",
                        l.path("rttMicros").asLong() < 0 ? "-" : l.path("rttMicros").asLong() + " us");
            }
        }
        for (JsonNode sync : a.path("sync")) {
            JsonNode c = sync.path("counters");
            out.println();
            out.printf("connection sync (%s) with %s: %s, lag %d ms, entries sent %d, applied %d, resends %d,"
                    + " gaps %d, dropped %d%n", sync.path("director").asText(), sync.path("peer").asText(),
                    sync.path("synchronised").asBoolean() ? "synchronised" : "NOT synchronised (no full dump yet)",
                    c.path("lag_ms").asLong(), c.path("entries_sent").asLong(), c.path("entries_applied").asLong(),
                    c.path("resends").asLong(), c.path("gaps").asLong(), c.path("drops").asLong());
        }
        JsonNode mem = a.path("membership");
        if (mem.isObject()) {
            out.println();
            out.println("membership view: " + mem.path("members") + (mem.has("problem") ? " (" + mem.path("problem").asText() + ")" : ""));
        }
        JsonNode hb = a.path("heartbeat");
        if (hb.isObject()) {
            StringBuilder sb = new StringBuilder("heartbeat:");
            for (Iterator<Map.Entry<String, JsonNode>> it = hb.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isIntegralNumber() && (e.getValue().asLong() != 0 || !e.getKey().startsWith("dropped"))) {
                    sb.append(' ').append(e.getKey()).append('=').append(e.getValue().asText());
                }
            }
            out.println();
            out.println(sb);
        }
    }

    static void printHistory(JsonNode a, PrintWriter out, PrintWriter err) {
        if (!a.path("ok").asBoolean()) {
            err.println("tandemctl: " + a.path("error").asText("tandemd refused the request"));
            return;
        }
        DateTimeFormatter ms = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
        out.printf("%-23s %-20s %-22s %s%n", "WHEN", "GROUP", "CHANGE", "REASON");
        for (JsonNode t : a.path("transitions")) {
            out.printf("%-23s %-20s %-22s %s%n", ms.format(Instant.ofEpochMilli(t.path("atEpochMillis").asLong())),
                    t.path("group").asText(), t.path("from").asText() + " -> " + t.path("to").asText(),
                    t.path("reason").asText());
        }
    }

    static void printMove(JsonNode a, PrintWriter out, PrintWriter err) {
        if (!a.path("ok").asBoolean()) {
            err.println("tandemctl: " + a.path("error").asText("tandemd refused the request"));
            return;
        }
        out.println(a.path("message").asText("done"));
    }
}
