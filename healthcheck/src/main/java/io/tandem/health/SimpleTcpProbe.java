package io.tandem.health;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * {@code service=simpletcp}: connect, send {@code request=} (with {@code \r} and {@code \n}
 * escapes), read until the answer matches the {@code receive=} regular expression or the server
 * closes. Without {@code receive=} any answer (or none, if nothing was sent) means up.
 */
final class SimpleTcpProbe extends BlockingProbe {
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    SimpleTcpProbe(Executor executor) {
        super(executor);
    }

    @Override
    protected String check(CheckedServer server, int timeoutMillis, Resources resources) throws Exception {
        CheckDefinition check = server.check();
        Socket socket = resources.add(new Socket());
        socket.connect(server.checkAddress(), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        String request = unescape(check.request());
        if (!request.isEmpty()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }
        if (check.receive() == null || check.receive().isEmpty()) {
            return "connected" + (request.isEmpty() ? "" : ", request sent");
        }
        Pattern receive = Pattern.compile(check.receive());
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        while (answer.length() < MAX_ANSWER_BYTES && (n = in.read(buffer)) > 0) {
            answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            if (receive.matcher(answer).find()) {
                return "answer matches receive=\"" + check.receive() + "\"";
            }
        }
        throw new CheckFailure("answer does not match receive=\"" + check.receive() + "\": "
                + ProtocolText.excerpt(answer.toString()));
    }

    static String unescape(String s) {
        return s == null ? "" : s.replace("\\r", "\r").replace("\\n", "\n");
    }
}
