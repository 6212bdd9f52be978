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
    private final HttpClient http;
    private final Failure failure;

    /** @param service the name used in messages, e.g. {@code WeCom} */
    WeixinApi(String service, Duration connectTimeout, Failure failure) {
        this.service = service;
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
