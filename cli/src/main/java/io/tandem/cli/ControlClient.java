package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Talks to tandemd over its control socket: one JSON object per line each way, one request per
 * connection.
 */
public final class ControlClient {
    private static final int MAX_RESPONSE_BYTES = 4 << 20;
    private final Path socket;
    private final ObjectMapper json = new ObjectMapper();

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    /** Sends {@code {"command": command, ...fields}} and returns the daemon's answer. */
    public JsonNode call(String command, ObjectNode fields) throws IOException {
        ObjectNode request = json.createObjectNode();
        request.put("command", command);
        if (fields != null) {
            request.setAll(fields);
        }
        byte[] line = (json.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(line);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (ch.read(in) >= 0) {
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == '\n') {
                        return json.readTree(answer.toByteArray());
                    }
                    answer.write(b);
                }
                in.clear();
                if (answer.size() > MAX_RESPONSE_BYTES) {
                    throw new IOException("answer from " + socket + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
                }
            }
            throw new IOException("tandemd closed " + socket + " without answering");
        }
    }

    public ObjectNode fields() {
        return json.createObjectNode();
    }

    public Path socket() {
        return socket;
    }
}
