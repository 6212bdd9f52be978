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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of the WeChat official account (公众号, service account) server API for template
 * messages: the access token from {@code POST /cgi-bin/stable_token} and messages through
 * {@code POST /cgi-bin/message/template/send?access_token=TOKEN}.
 *
 * <p>What WeChat documents (developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken,
 * …/api/notify/template/api_sendtemplatemessage, and the global return codes), and what this client
 * does about it:
 * <ul>
 *   <li><b>The token comes from {@code stable_token}, not {@code /cgi-bin/token}.</b> Every call of
 *       {@code /cgi-bin/token} issues a new token and retires the previous one within 5 minutes, so
 *       several Lambda containers, each with its own cache, would keep invalidating each other's
 *       tokens (and anything else that uses the same AppID); it is also limited to 2,000 calls a
 *       day. {@code stable_token} in its normal mode ({@code force_refresh: false}) answers the
 *       same token while it is valid, is isolated from {@code /cgi-bin/token}, and allows 10,000
 *       calls a minute. The token is cached until {@code expires_in} (up to 7200 s; WeChat may
 *       answer less) minus a safety margin (default 5 min, at most half the lifetime; WeChat itself
 *       rolls a stable token over 5 minutes early), shared by all threads, and only one thread
 *       fetches at a time. The force-refresh mode is never used: it retires the token every other
 *       container holds and is limited to 20 calls a day.</li>
 *   <li>{@code 40001} (invalid credential: the token is not, or no longer, valid), {@code 40014}
 *       (invalid access_token) and {@code 42001} (access_token expired) on a send drop the cached
 *       token, fetch one (normal mode answers the current token) and retry the send once.</li>
 *   <li>{@code -1} (system busy), {@code 45009} (API call limit reached) and {@code 45011} (API
 *       minute quota reached), and transport failures (timeouts, HTTP 5xx and 429) are retried with
 *       bounded exponential backoff and jitter (default 3 attempts in all). A retried send carries
 *       the same {@code client_msg_id}, for which WeChat delivers one message per openid within 10
 *       minutes, so a send that went through before a timeout is not delivered twice.</li>
 *   <li>{@code 40001} or {@code 40125} (invalid AppSecret) and {@code 40013} (invalid AppID) on the
 *       token call ask the {@link WeChatOfficialCredentials} to re-read (a reset secret) and try once
 *       more.</li>
 *   <li>{@code 43004} (the user does not follow the account, or unfollowed it), {@code 40003}
 *       (invalid openid: not a user of this account) and {@code 43101} (the user refuses messages
 *       from the account) are refusals for which {@link WeChatOfficialException#recipientUnreachable()}
 *       is true: this user cannot be reached on this channel.</li>
 *   <li>Every other code is a refusal with the code and what it means (e.g. {@code 40037} invalid
 *       template_id, {@code 47003} a data value the template does not accept, {@code 48001} the
 *       account may not use the API, {@code 40164} the caller's IP is not in the account's IP
 *       whitelist), never retried.</li>
 * </ul>
 *
 * <p>Exception messages carry WeChat's numeric code, what it means and WeChat's request id
 * ({@code rid}, for a support ticket), never the openid, the data, the token or the secret (the
 * token travels in the URL and the secret in the token request, as the API requires; neither leaves
 * this class).
 */
public final class WeChatOfficialClient {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.weixin.qq.com/");

    static final int SYSTEM_BUSY = -1;
    static final int OK = 0;
    static final int INVALID_CREDENTIAL = 40001;
    static final int INVALID_OPENID = 40003;
    static final int INVALID_APP_ID = 40013;
    static final int INVALID_ACCESS_TOKEN = 40014;
    static final int INVALID_APP_SECRET = 40125;
    static final int ACCESS_TOKEN_EXPIRED = 42001;
    static final int REQUIRE_SUBSCRIBE = 43004;
    static final int USER_REFUSES_MESSAGES = 43101;
    static final int API_LIMIT = 45009;
    static final int MINUTE_QUOTA = 45011;

    /** The codes that say this user cannot be reached through the account at all. */
    static final Set<Integer> RECIPIENT_UNREACHABLE = Set.of(INVALID_OPENID, REQUIRE_SUBSCRIBE, USER_REFUSES_MESSAGES);

    /** What the codes this client meets most often mean (from WeChat's global return code table). */
    private static final Map<Integer, String> MEANING = Map.ofEntries(
            Map.entry(SYSTEM_BUSY, "system busy"),
            Map.entry(INVALID_CREDENTIAL, "invalid credential: wrong AppSecret, or the access_token is not the latest"),
            Map.entry(40002, "invalid grant_type"),
            Map.entry(INVALID_OPENID, "invalid openid: not a user of this official account"),
            Map.entry(INVALID_APP_ID, "invalid AppID"),
            Map.entry(INVALID_ACCESS_TOKEN, "invalid access_token"),
            Map.entry(40037, "invalid template_id"),
            Map.entry(INVALID_APP_SECRET, "invalid AppSecret"),
            Map.entry(40164, "caller IP not in the official account's IP whitelist"),
            Map.entry(41001, "missing access_token"),
            Map.entry(ACCESS_TOKEN_EXPIRED, "access_token expired"),
            Map.entry(43002, "POST required"),
            Map.entry(REQUIRE_SUBSCRIBE, "the user does not follow the official account"),
            Map.entry(USER_REFUSES_MESSAGES, "the user refuses messages from the official account"),
            Map.entry(API_LIMIT, "API call limit reached"),
            Map.entry(MINUTE_QUOTA, "API minute quota reached"),
            Map.entry(47001, "data format error"),
            Map.entry(47003, "a template data value is invalid"),
            Map.entry(48001, "API not authorized for this official account"),
            Map.entry(48004, "API banned for this official account"));

    private static final Pattern REQUEST_ID = Pattern.compile("\\brid: ?([0-9A-Za-z-]{8,64})");
    private static final String SERVICE = "WeChat";

    private final WeChatOfficialCredentials credentials;
    private final WeixinApi api;
    private final BoundedBackoff backoff;
    private final Duration tokenSafetyMargin;
    private final Clock clock;
    private final AccessTokenCache token;

    /** A client of the real WeChat API with the default timeouts and retries. */
    public WeChatOfficialClient(WeChatOfficialCredentials credentials) {
        this(builder(credentials));
    }

    private WeChatOfficialClient(Builder builder) {
        this.credentials = Objects.requireNonNull(builder.credentials, "credentials");
        this.api = builder.api(SERVICE, WeChatOfficialException::new);
        this.backoff = builder.backoff(SERVICE, WeChatOfficialException::new);
        this.tokenSafetyMargin = builder.tokenSafetyMargin;
        this.clock = builder.clock;
        this.token = new AccessTokenCache(clock, this::fetchToken);
    }

    public static Builder builder(WeChatOfficialCredentials credentials) {
        return new Builder(credentials);
    }

    /**
     * One template message. {@link #toString()} shows the template and the keyword names only.
     *
     * @param toUser the user's openid under this official account
     * @param templateId the template's id from the account's "my templates"
     * @param url the page opened when the message is tapped, or null for none
     * @param data each template keyword (e.g. {@code thing1}, {@code time2}) and its value; WeChat
     *     shows at most 20 characters of a value, on one line, and cuts the rest with an ellipsis
     * @param clientMsgId WeChat's duplicate key: one message per openid and id within 10 minutes;
     *     null for none
     */
    public record TemplateMessage(String toUser, String templateId, String url, Map<String, String> data,
                                  String clientMsgId) {

        public TemplateMessage {
            if (toUser == null || toUser.isBlank()) {
                throw new IllegalArgumentException("no openid to send to");
            }
            if (templateId == null || templateId.isBlank()) {
                throw new IllegalArgumentException("no template_id");
            }
            data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
        }

        @Override
        public String toString() {
            return "TemplateMessage[templateId=" + templateId + ", keywords=" + data.keySet() + "]";
        }
    }

    /**
     * Sends a template message to one user.
     *
     * @return WeChat's {@code msgid}
     * @throws WeChatOfficialException when WeChat refused the message, or kept failing after the retries
     * @throws WeChatOfficialCredentials.Unavailable when the credentials cannot be read
     */
    public String sendTemplate(TemplateMessage message) {
        byte[] body = templateMessage(message);
        boolean tokenRenewed = false;
        BoundedBackoff.Attempts attempts = backoff.start("message/template/send");
        while (true) {
            AccessTokenCache.Token current = token.get();
            HttpRequest request = api.post("cgi-bin/message/template/send?access_token=" + encode(current.value()),
                    body);
            JsonNode answer;
            try {
                answer = api.exchange(request, "message/template/send");
            } catch (WeixinApi.TransientFailure e) {
                attempts.pause(null, e.getMessage(), e.getCause());
                continue;
            }
            int code = api.errcode(answer, "message/template/send", false);
            switch (code) {
                case OK -> {
                    return answer.path("msgid").asText("");
                }
                case INVALID_CREDENTIAL, INVALID_ACCESS_TOKEN, ACCESS_TOKEN_EXPIRED -> {
                    if (tokenRenewed) {
                        throw refused("message/template/send", code, answer, " (again, with a freshly fetched token)");
                    }
                    token.invalidate(current);
                    tokenRenewed = true;
                }
                case SYSTEM_BUSY, API_LIMIT, MINUTE_QUOTA -> attempts.pause(code, describe(code), null);
                default -> throw refused("message/template/send", code, answer, "");
            }
        }
    }

    /** Drops the cached access token (the next call fetches one). */
    public void invalidateToken() {
        token.clear();
    }

    private AccessTokenCache.Token fetchToken() {
        boolean credentialsReread = false;
        BoundedBackoff.Attempts attempts = backoff.start("stable_token");
        while (true) {
            WeChatOfficialCredentials.Credentials id = credentials.current();
            Instant asked = clock.instant();
            HttpRequest request = api.post("cgi-bin/stable_token", tokenRequest(id));
            JsonNode answer;
            try {
                answer = api.exchange(request, "stable_token");
            } catch (WeixinApi.TransientFailure e) {
                attempts.pause(null, e.getMessage(), e.getCause());
                continue;
            }
            int code = api.errcode(answer, "stable_token", true); // a token answer has no errcode
            switch (code) {
                case OK -> {
                    return api.token(answer, "stable_token", asked, tokenSafetyMargin);
                }
                case INVALID_CREDENTIAL, INVALID_APP_SECRET, INVALID_APP_ID -> {
                    if (credentialsReread) {
                        throw refused("stable_token", code, answer, " (also after re-reading the credentials)");
                    }
                    credentials.refresh();
                    credentialsReread = true;
                }
                case SYSTEM_BUSY, API_LIMIT, MINUTE_QUOTA -> attempts.pause(code, describe(code), null);
                default -> throw refused("stable_token", code, answer, "");
            }
        }
    }

    private static byte[] tokenRequest(WeChatOfficialCredentials.Credentials id) {
        ObjectNode request = JSON.createObjectNode();
        request.put("grant_type", "client_credential");
        request.put("appid", id.appId());
        request.put("secret", id.appSecret());
        request.put("force_refresh", false);
        return bytes(request, "a stable_token request");
    }

    private static byte[] templateMessage(TemplateMessage message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("touser", message.toUser());
        body.put("template_id", message.templateId());
        if (message.url() != null && !message.url().isBlank()) {
            body.put("url", message.url());
        }
        ObjectNode data = body.putObject("data");
        message.data().forEach((keyword, value) -> data.putObject(keyword).put("value", value));
        if (message.clientMsgId() != null && !message.clientMsgId().isBlank()) {
            body.put("client_msg_id", message.clientMsgId());
        }
        return bytes(body, "a template message");
    }

    private static byte[] bytes(ObjectNode json, String what) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + what, e);
        }
    }

    private static WeChatOfficialException refused(String api, int code, JsonNode answer, String detail) {
        // errmsg can quote request fields; only WeChat's request id is taken from it
        Matcher rid = REQUEST_ID.matcher(answer.path("errmsg").asText(""));
        String request = rid.find() ? ", rid " + rid.group(1) : "";
        return new WeChatOfficialException("WeChat " + api + " refused: " + describe(code) + detail + request, code, null);
    }

    static String describe(int code) {
        String meaning = MEANING.get(code);
        return "errcode " + code + (meaning == null ? "" : " (" + meaning + ")");
    }

    /** WeChat refused, or the call kept failing; {@link #errcode()} is WeChat's code when it gave one. */
    public static final class WeChatOfficialException extends RuntimeException {
        private final Integer errcode;

        public WeChatOfficialException(String message, Integer errcode, Throwable cause) {
            super(message, cause);
            this.errcode = errcode;
        }

        /** WeChat's errcode, or null for transport failures. */
        public Integer errcode() {
            return errcode;
        }

        /** True when WeChat said this user cannot be reached through the account (43004, 40003, 43101). */
        public boolean recipientUnreachable() {
            return errcode != null && RECIPIENT_UNREACHABLE.contains(errcode);
        }
    }

    public static final class Builder extends WeixinClientBuilder<Builder> {
        private final WeChatOfficialCredentials credentials;

        private Builder(WeChatOfficialCredentials credentials) {
            super(DEFAULT_BASE_URL);
            this.credentials = credentials;
        }

        @Override
        Builder self() {
            return this;
        }

        public WeChatOfficialClient build() {
            return new WeChatOfficialClient(this);
        }
    }
}
