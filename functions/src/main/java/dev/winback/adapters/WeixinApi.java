package dev.winback.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The JSON-over-HTTPS envelope shared by Tencent's WeCom ({@code qyapi.weixin.qq.com}) and WeChat
 * official account ({@code api.weixin.qq.com}) server APIs: API errors come back as HTTP 200 with an
 * {@code errcode}, so anything other than a 200 JSON object is the transport's problem. Used by
 * {@link WeComClient} and {@link WeChatOfficialClient}; each names its service in messages and
 * turns failures into its own exception type.
 *
 * <p>Messages never carry the request URI: the token or secret travels in it, as the APIs require.
 */
final class WeixinApi {

    static final ObjectMapper JSON = new ObjectMapper();

    /** How a client turns a failure into its exception; {@code errcode} is null for transport failures. */
    @FunctionalInterface
    interface Failure {
        RuntimeException of(String message, Integer errcode, Throwable cause);
    }

    private final String service;
    private final URI baseUrl;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final Failure failure;

    /** @param service the name used in messages, e.g. {@code WeCom}; {@code baseUrl} ends with a slash */
    WeixinApi(String service, URI baseUrl, Duration connectTimeout, Duration requestTimeout, Failure failure) {
        this.service = service;
        this.baseUrl = baseUrl;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
        this.failure = failure;
    }

    static URI withTrailingSlash(URI baseUrl) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base : base + "/");
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A JSON POST to {@code pathAndQuery} (relative to the base URL). */
    HttpRequest post(String pathAndQuery, byte[] body) {
        return HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** A GET of {@code pathAndQuery} (relative to the base URL). */
    HttpRequest get(String pathAndQuery) {
        return HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery))
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .GET()
                .build();
    }

    /**
     * The access token of a successful token answer, renewed {@code margin} before it expires
     * ({@code expires_in} seconds after {@code asked}; 7200 when the answer gives none).
     */
    AccessTokenCache.Token token(JsonNode answer, String api, Instant asked, Duration margin) {
        String value = answer.path("access_token").asText("");
        if (value.isBlank()) {
            throw failure.of(service + " " + api + " answered without an access_token", 0, null);
        }
        long lifetime = answer.path("expires_in").asLong(7200);
        if (lifetime <= 0) {
            lifetime = 7200;
        }
        return new AccessTokenCache.Token(value, AccessTokenCache.renewAt(asked, lifetime, margin));
    }

    /** One HTTP call: the answer when it is a 200 JSON object; a {@link TransientFailure} when another attempt may do better. */
    JsonNode exchange(HttpRequest request, String api) throws TransientFailure {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // java.net.http's messages do not carry the URI (which holds the token or secret)
            throw new TransientFailure(service + " " + api + " unreachable (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure.of("interrupted while calling " + service + " " + api, null, e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new TransientFailure(service + " " + api + " answered HTTP " + status, null);
        }
        if (status != 200) {
            throw failure.of(service + " " + api + " answered HTTP " + status, null, null);
        }
        try {
            JsonNode answer = JSON.readTree(response.body());
            if (answer == null || !answer.isObject()) {
                throw new TransientFailure(service + " " + api + " answered something that is not a JSON object", null);
            }
            return answer;
        } catch (IOException e) {
            throw new TransientFailure(service + " " + api + " answered something that is not JSON", null);
        }
    }

    /**
     * The answer's {@code errcode}. WeCom always sends one; WeChat's official account API leaves it
     * out of some successful answers (the access token's), so {@code absentMeansOk} reads a missing
     * code as 0 there.
     */
    int errcode(JsonNode answer, String api, boolean absentMeansOk) {
        JsonNode code = answer.get("errcode");
        if (code == null && absentMeansOk) {
            return 0;
        }
        if (code == null || !code.canConvertToInt()) {
            throw failure.of(service + " " + api + " answered without an errcode", null, null);
        }
        return code.asInt();
    }

    /** A failure worth another attempt (transport, HTTP 5xx/429, garbled answer). */
    static final class TransientFailure extends Exception {
        TransientFailure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
