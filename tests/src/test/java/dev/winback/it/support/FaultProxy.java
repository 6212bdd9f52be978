package dev.winback.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on 127.0.0.1 in front of a real engine (DynamoDB Local, MiniStack) that answers a
 * chosen share or sequence of requests with the error AWS itself would send, so that the real SDK
 * (its retry conditions, attempt counts, error parsing) and our adapters meet the fault, and every
 * request that gets through reaches the real engine.
 *
 * <p>Two kinds of fault: a <em>refusal</em> is answered without forwarding (throttling, a 5xx before
 * the service did anything); a <em>lost response</em> is forwarded, applied by the engine, and its
 * answer replaced by a 500 — what a client sees when the service committed a write but the
 * connection or a front end failed on the way back. Counts of both are kept per kind for the figures.
 */
public final class FaultProxy implements AutoCloseable {

    /** What to answer instead of the engine's response. */
    public record Injection(String kind, boolean forward, int status, String contentType, Map<String, String> headers,
                            String body) {
    }

    private record Rule(Set<String> operations, double share, List<Injection> choices, AtomicInteger burst,
                        int every, int length, AtomicInteger seen) {

        Rule(Set<String> operations, double share, List<Injection> choices, AtomicInteger burst) {
            this(operations, share, choices, burst, 0, 0, new AtomicInteger());
        }

        boolean matches(String operation) {
            return operations.isEmpty() || operations.contains(operation);
        }
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "date");

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, AtomicInteger> injected = new TreeMap<>();
    private final Map<String, AtomicInteger> requests = new TreeMap<>();
    private volatile boolean enabled = true;

    private FaultProxy(URI target, long seed) {
        this.target = target;
        this.random = new Random(seed);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy in front of {@code target}; faults are drawn from a random generator seeded with {@code seed}. */
    public static FaultProxy inFrontOf(URI target, long seed) {
        return new FaultProxy(target, seed);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Answers {@code share} of the requests for these operations (all when none given) with one of
     * {@code choices}, drawn at random.
     */
    public synchronized FaultProxy inject(double share, Set<String> operations, Injection... choices) {
        rules.add(new Rule(Set.copyOf(operations), share, List.of(choices), null));
        return this;
    }

    /** Answers the next {@code count} requests for these operations with {@code injection}, in a row. */
    public synchronized FaultProxy injectNext(int count, Set<String> operations, Injection injection) {
        rules.add(new Rule(Set.copyOf(operations), 1.0, List.of(injection), new AtomicInteger(count)));
        return this;
    }

    /**
     * After every {@code every} requests for these operations, answers the next {@code length} in a
     * row with {@code injection}: long enough to outlast the SDK's own retries, so the caller's
     * handling of a failed call (report, redeliver) is exercised too.
     */
    public synchronized FaultProxy injectBursts(int every, int length, Set<String> operations, Injection injection) {
        if (length >= every) {
            throw new IllegalArgumentException("a burst of " + length + " every " + every + " requests never ends");
        }
        rules.add(new Rule(Set.copyOf(operations), 1.0, List.of(injection), new AtomicInteger(), every, length,
                new AtomicInteger()));
        return this;
    }

    /** Stops (false) or resumes injecting; requests are forwarded either way. */
    public FaultProxy enabled(boolean on) {
        enabled = on;
        return this;
    }

    /** How many faults of each kind were injected so far. */
    public synchronized Map<String, Integer> injected() {
        Map<String, Integer> counts = new TreeMap<>();
        injected.forEach((kind, n) -> counts.put(kind, n.get()));
        return counts;
    }

    public synchronized int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Requests received per operation (including the ones answered with a fault). */
    public synchronized Map<String, Integer> requests() {
        Map<String, Integer> counts = new TreeMap<>();
        requests.forEach((operation, n) -> counts.put(operation, n.get()));
        return counts;
    }

    private synchronized Injection choose(String operation) {
        requests.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        if (!enabled) {
            return null;
        }
        for (Rule rule : rules) {
            if (!rule.matches(operation)) {
                continue;
            }
            if (rule.every() > 0 && rule.seen().incrementAndGet() % rule.every() == 0) {
                rule.burst().set(rule.length());
            }
            if (rule.burst() != null) {
                if (rule.burst().get() > 0) {
                    rule.burst().decrementAndGet();
                    return count(rule.choices().getFirst());
                }
                continue;
            }
            if (random.nextDouble() < rule.share()) {
                return count(rule.choices().get(random.nextInt(rule.choices().size())));
            }
        }
        return null;
    }

    private Injection count(Injection injection) {
        injected.computeIfAbsent(injection.kind(), k -> new AtomicInteger()).incrementAndGet();
        return injection;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Injection injection = choose(operation(exchange, body));
            if (injection != null && !injection.forward()) {
                reply(exchange, injection);
                return;
            }
            HttpResponse<byte[]> response = forward(exchange, body);
            if (injection != null) {
                reply(exchange, injection); // the engine applied it; the caller never hears so
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return forward.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void reply(HttpExchange exchange, Injection injection) throws IOException {
        byte[] bytes = injection.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", injection.contentType());
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        injection.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(injection.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * The API operation: {@code X-Amz-Target} for JSON protocols (DynamoDB), {@code Action} for the
     * Query protocol (SNS), otherwise method and path (REST protocols such as SES v2).
     */
    private static String operation(HttpExchange exchange, byte[] body) {
        String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (amzTarget != null) {
            return amzTarget.substring(amzTarget.indexOf('.') + 1);
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                if (pair.startsWith("Action=")) {
                    return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                }
            }
        }
        return exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        forward.close();
    }

    // ---------------------------------------------------------------- the errors AWS answers with

    private static final String DYNAMODB_JSON = "application/x-amz-json-1.0";

    private static Injection dynamo(String kind, boolean forward, int status, String type, String message) {
        return new Injection(kind, forward, status, DYNAMODB_JSON, Map.of(),
                "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    /** DynamoDB: a table or partition over its throughput (HTTP 400, retried by the SDK with throttling backoff). */
    public static Injection dynamoThroughputExceeded() {
        return dynamo("dynamodb_throughput_exceeded", false, 400,
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.");
    }

    /** DynamoDB: request-rate throttling of the control or data plane (HTTP 400). */
    public static Injection dynamoThrottling() {
        return dynamo("dynamodb_throttling", false, 400, "com.amazon.coral.availability#ThrottlingException",
                "Rate of requests exceeds the allowed throughput.");
    }

    /** DynamoDB: an internal error before anything was applied (HTTP 500). */
    public static Injection dynamoInternalError() {
        return dynamo("dynamodb_500", false, 500, "com.amazonaws.dynamodb.v20120810#InternalServerError",
                "Internal server error");
    }

    /** DynamoDB: service unavailable (HTTP 503). */
    public static Injection dynamoUnavailable() {
        return dynamo("dynamodb_503", false, 503, "com.amazon.coral.availability#ServiceUnavailableException",
                "Service unavailable");
    }

    /** DynamoDB applied the request, but the caller got an HTTP 500 instead of its answer. */
    public static Injection dynamoResponseLost() {
        return dynamo("dynamodb_response_lost", true, 500, "com.amazonaws.dynamodb.v20120810#InternalServerError",
                "Internal server error");
    }

    private static Injection query(String kind, int status, String type, String code, String message) {
        return new Injection(kind, false, status, "text/xml", Map.of(),
                "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>" + type
                        + "</Type><Code>" + code + "</Code><Message>" + message + "</Message></Error><RequestId>"
                        + UUID.randomUUID() + "</RequestId></ErrorResponse>");
    }

    /** SNS (Query API): the account's publish rate exceeded (HTTP 400 {@code Throttling}). */
    public static Injection snsThrottling() {
        return query("sns_throttling", 400, "Sender", "Throttling", "Rate exceeded");
    }

    /** SNS (Query API): an internal error (HTTP 500 {@code InternalError}). */
    public static Injection snsInternalError() {
        return query("sns_500", 500, "Receiver", "InternalError", "Internal error");
    }

    /** SES v2 (REST-JSON): sending rate exceeded (HTTP 429 {@code TooManyRequestsException}). */
    public static Injection sesTooManyRequests() {
        return new Injection("ses_throttling", false, 429, "application/json",
                Map.of("x-amzn-ErrorType", "TooManyRequestsException"), "{\"message\":\"Too many requests\"}");
    }

    /** SES v2 (REST-JSON): an internal failure (HTTP 500). */
    public static Injection sesInternalFailure() {
        return new Injection("ses_500", false, 500, "application/json",
                Map.of("x-amzn-ErrorType", "InternalFailure"), "{\"message\":\"Internal failure\"}");
    }
}
