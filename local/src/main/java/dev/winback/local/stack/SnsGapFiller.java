package dev.winback.local.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * Stands between the functions and the emulator's SNS, on 127.0.0.1, for the one SNS action MiniStack
 * 1.5.33 lacks: {@code CheckIfPhoneNumberIsOptedOut}, which the functions ask before every SMS. It is
 * answered "not opted out" (the emulator keeps no opt-out list); every other request goes to the
 * emulator unchanged. Without it every SMS decision would fail and be retried until its dead-letter queue.
 */
final class SnsGapFiller implements AutoCloseable {

    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding");

    private final HttpServer server;
    private final URI emulator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private SnsGapFiller(URI emulator) throws IOException {
        this.emulator = emulator;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    static SnsGapFiller start(URI emulator) {
        try {
            return new SnsGapFiller(emulator);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot listen on 127.0.0.1 for the SNS gap filler", e);
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String form = new String(body, StandardCharsets.UTF_8);
            if (form.contains("Action=CheckIfPhoneNumberIsOptedOut")) {
                respond(exchange, 200, "text/xml", ("<CheckIfPhoneNumberIsOptedOutResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<CheckIfPhoneNumberIsOptedOutResult><isOptedOut>false</isOptedOut></CheckIfPhoneNumberIsOptedOutResult>"
                        + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                        + "</CheckIfPhoneNumberIsOptedOutResponse>").getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(emulator.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
