package dev.winback.adapters;

import static dev.winback.adapters.WeixinApi.JSON;
import static dev.winback.adapters.WeixinApi.encode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A client of the WeCom (企业微信) server API for application messages: the access token from
 * {@code GET /cgi-bin/gettoken?corpid=ID&corpsecret=SECRET} and text messages through
 * {@code POST /cgi-bin/message/send?access_token=TOKEN}.
 *
 * <p>What WeCom documents, and what this client does about it (global return codes:
 * developer.work.weixin.qq.com/document/path/90455; gettoken: …/91039; message/send: …/90236):
 * <ul>
 *   <li>The access token must be cached ("不能频繁调用gettoken接口，否则会受到频率拦截") and lives
 *       {@code expires_in} seconds (normally 7200). It is kept until {@code expires_in} minus a safety
 *       margin (default 5 min, at most half the lifetime), shared by all threads, and only one thread
 *       fetches a new one at a time.</li>
 *   <li>WeCom may invalidate a token early: {@code 40014} (invalid access_token) and {@code 42001}
 *       (access_token expired) on a send drop the cached token, fetch a new one and retry the send
 *       once.</li>
 *   <li>{@code -1} (system busy; the docs advise at most 3 retries), {@code 45009} (API call frequency
 *       limit) and {@code 45033} (API concurrency limit), and transport failures (timeouts, HTTP 5xx
 *       and 429) are retried with bounded exponential backoff and jitter (default 3 attempts in
 *       all). Retrying a send is safe: every message asks for WeCom's duplicate check
 *       ({@code enable_duplicate_check}), so the same request within the interval (default 1800 s)
 *       is not delivered twice.</li>
 *   <li>{@code 40001} (invalid secret), {@code 40013} (invalid corp id) and {@code 40091} (secret of
 *       another corp) on gettoken ask the {@link WeComCredentials} to re-read (a rotated secret) and
 *       try once more.</li>
 *   <li>{@code 81013} (user, party and tag all invalid or outside the application's visible scope),
 *       a non-empty {@code invaliduser} or {@code unlicenseduser} in an otherwise successful answer,
 *       and every other code are refusals: a {@link WeComException} at once, never retried.</li>
 * </ul>
 *
 * <p>Exception messages carry WeCom's numeric code and what it means, never the user id, the
 * content, the token or the secret (the token and secret travel in URLs, as the API requires, and
 * never leave this class).
 */
public final class WeComClient {

    public static final URI DEFAULT_BASE_URL = URI.create("https://qyapi.weixin.qq.com/");

    static final int SYSTEM_BUSY = -1;
    static final int OK = 0;
    static final int INVALID_SECRET = 40001;
    static final int INVALID_CORP_ID = 40013;
    static final int INVALID_ACCESS_TOKEN = 40014;
    static final int SECRET_OF_ANOTHER_CORP = 40091;
    static final int ACCESS_TOKEN_EXPIRED = 42001;
    static final int FREQUENCY_LIMIT = 45009;
    static final int CONCURRENCY_LIMIT = 45033;
    static final int ALL_RECIPIENTS_INVALID = 81013;

    /** What the codes this client meets most often mean (from WeCom's global return code table). */
    private static final Map<Integer, String> MEANING = Map.ofEntries(
            Map.entry(SYSTEM_BUSY, "system busy"),
            Map.entry(INVALID_SECRET, "invalid corp secret"),
            Map.entry(40003, "invalid UserID"),
            Map.entry(40008, "invalid msgtype"),
            Map.entry(INVALID_CORP_ID, "invalid corp id"),
            Map.entry(INVALID_ACCESS_TOKEN, "invalid access_token"),
            Map.entry(40056, "invalid agentid"),
            Map.entry(SECRET_OF_ANOTHER_CORP, "secret is not valid for this corp"),
            Map.entry(41001, "missing access_token"),
            Map.entry(ACCESS_TOKEN_EXPIRED, "access_token expired"),
            Map.entry(44004, "empty text content"),
            Map.entry(45002, "message content too large"),
            Map.entry(FREQUENCY_LIMIT, "API call frequency limit exceeded"),
            Map.entry(CONCURRENCY_LIMIT, "API concurrency limit exceeded"),
            Map.entry(48002, "API not permitted for this application"),
            Map.entry(50002, "member outside the application's permission scope"),
            Map.entry(60020, "caller IP not in the application's trusted IPs"),
            Map.entry(ALL_RECIPIENTS_INVALID, "recipient invalid or outside the application's visible scope"),
            Map.entry(82001, "no valid recipient given"));

    private static final String SERVICE = "WeCom";

    private final WeComCredentials credentials;
    private final WeixinApi api;
    private final BoundedBackoff backoff;
    private final Duration tokenSafetyMargin;
    private final Duration duplicateCheckInterval;
    private final Clock clock;
    private final AccessTokenCache token;

    /** A client of the real WeCom API with the default timeouts and retries. */
    public WeComClient(WeComCredentials credentials) {
        this(builder(credentials));
    }

    private WeComClient(Builder builder) {
        this.credentials = Objects.requireNonNull(builder.credentials, "credentials");
        this.api = builder.api(SERVICE, WeComException::new);
        this.backoff = builder.backoff(SERVICE, WeComException::new);
        this.tokenSafetyMargin = builder.tokenSafetyMargin;
        this.duplicateCheckInterval = builder.duplicateCheckInterval;
        this.clock = builder.clock;
        this.token = new AccessTokenCache(clock, this::fetchToken);
    }

    public static Builder builder(WeComCredentials credentials) {
        return new Builder(credentials);
    }

    /**
     * Sends a text application message to one member.
     *
     * @param toUser the member's WeCom UserID
     * @param content the text (WeCom truncates content beyond 2048 bytes)
     * @return WeCom's {@code msgid}
     * @throws WeComException when WeCom refused the message, or kept failing after the retries
     * @throws WeComCredentials.Unavailable when the credentials cannot be read
     */
    public String sendText(String toUser, String content) {
        if (toUser == null || toUser.isBlank()) {
            throw new IllegalArgumentException("no WeCom UserID to send to");
        }
        if (content == null || content.isEmpty()) {
            throw new IllegalArgumentException("no text to send");
        }
        boolean tokenRenewed = false;
        BoundedBackoff.Attempts attempts = backoff.start("message/send");
        while (true) {
            AccessTokenCache.Token current = token.get();
            byte[] body = textMessage(toUser, credentials.current().agentId(), content);
            HttpRequest request = api.post("cgi-bin/message/send?access_token=" + encode(current.value()), body);
            JsonNode answer;
            try {
                answer = api.exchange(request, "message/send");
            } catch (WeixinApi.TransientFailure e) {
                attempts.pause(null, e.getMessage(), e.getCause());
                continue;
            }
            int code = api.errcode(answer, "message/send", false);
            switch (code) {
                case OK -> {
                    if (!answer.path("invaliduser").asText("").isEmpty()) {
                        throw new WeComException("WeCom message/send: the recipient is invalid or outside the "
                                + "application's visible scope (invaliduser)", ALL_RECIPIENTS_INVALID, null);
                    }
                    if (!answer.path("unlicenseduser").asText("").isEmpty()) {
                        throw new WeComException("WeCom message/send: the recipient has no interface license "
                                + "(unlicenseduser)", OK, null);
                    }
                    return answer.path("msgid").asText("");
                }
                case INVALID_ACCESS_TOKEN, ACCESS_TOKEN_EXPIRED -> {
                    if (tokenRenewed) {
                        throw refused("message/send", code, " (again, with a freshly fetched token)");
                    }
                    token.invalidate(current);
                    tokenRenewed = true;
                }
                case SYSTEM_BUSY, FREQUENCY_LIMIT, CONCURRENCY_LIMIT -> attempts.pause(code, describe(code), null);
                default -> throw refused("message/send", code, "");
            }
        }
    }

    /** Drops the cached access token (the next call fetches one). */
    public void invalidateToken() {
        token.clear();
    }

    private AccessTokenCache.Token fetchToken() {
        boolean credentialsReread = false;
        BoundedBackoff.Attempts attempts = backoff.start("gettoken");
        while (true) {
            WeComCredentials.Credentials id = credentials.current();
            Instant asked = clock.instant();
            HttpRequest request = api.get("cgi-bin/gettoken?corpid=" + encode(id.corpId())
                            + "&corpsecret=" + encode(id.corpSecret()));
            JsonNode answer;
            try {
                answer = api.exchange(request, "gettoken");
            } catch (WeixinApi.TransientFailure e) {
                attempts.pause(null, e.getMessage(), e.getCause());
                continue;
            }
            int code = api.errcode(answer, "gettoken", false);
            switch (code) {
                case OK -> {
                    return api.token(answer, "gettoken", asked, tokenSafetyMargin);
                }
                case INVALID_SECRET, INVALID_CORP_ID, SECRET_OF_ANOTHER_CORP -> {
                    if (credentialsReread) {
                        throw refused("gettoken", code, " (also after re-reading the credentials)");
                    }
                    credentials.refresh();
                    credentialsReread = true;
                }
                case SYSTEM_BUSY, FREQUENCY_LIMIT, CONCURRENCY_LIMIT -> attempts.pause(code, describe(code), null);
                default -> throw refused("gettoken", code, "");
            }
        }
    }

    private byte[] textMessage(String toUser, long agentId, String content) {
        ObjectNode message = JSON.createObjectNode();
        message.put("touser", toUser);
        message.put("msgtype", "text");
        message.put("agentid", agentId);
        message.putObject("text").put("content", content);
        message.put("safe", 0);
        message.put("enable_duplicate_check", 1);
        message.put("duplicate_check_interval", duplicateCheckInterval.toSeconds());
        try {
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a WeCom text message", e);
        }
    }

    private static WeComException refused(String api, int code, String detail) {
        return new WeComException("WeCom " + api + " refused: " + describe(code) + detail, code, null);
    }

    static String describe(int code) {
        String meaning = MEANING.get(code);
        return "errcode " + code + (meaning == null ? "" : " (" + meaning + ")");
    }

    /** WeCom refused, or the call kept failing; {@link #errcode()} is WeCom's code when it gave one. */
    public static final class WeComException extends RuntimeException {
        private final Integer errcode;

        public WeComException(String message, Integer errcode, Throwable cause) {
            super(message, cause);
            this.errcode = errcode;
        }

        /** WeCom's errcode, or null for transport failures. */
        public Integer errcode() {
            return errcode;
        }
    }

    public static final class Builder extends WeixinClientBuilder<Builder> {
        private final WeComCredentials credentials;
        private Duration duplicateCheckInterval = Duration.ofSeconds(1800);

        private Builder(WeComCredentials credentials) {
            super(DEFAULT_BASE_URL);
            this.credentials = credentials;
        }

        @Override
        Builder self() {
            return this;
        }

        /** WeCom's duplicate-check window for identical messages (default 1800 s; WeCom allows up to 4 h). */
        public Builder duplicateCheckInterval(Duration interval) {
            Duration checked = positive(interval, "duplicate check interval");
            if (checked.compareTo(Duration.ofHours(4)) > 0) {
                throw new IllegalArgumentException("WeCom's duplicate check interval is at most 4 hours");
            }
            this.duplicateCheckInterval = checked;
            return this;
        }

        public WeComClient build() {
            return new WeComClient(this);
        }
    }
}
