package dev.winback.adapters;

import dev.winback.core.recall.Notifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code wechat} channel: a WeChat official account (公众号) template message to the user's
 * openid (the message's address), through {@link WeChatOfficialClient}, which keeps the access
 * token and handles WeChat's retryable codes.
 *
 * <p>A template message is not free text: it fills the keywords of a template the account chose in
 * its "my templates" ({@code thing1}, {@code time2}, … — each shown on its own line, at most 20
 * characters, no line breaks). What goes where:
 * <ul>
 *   <li><b>The template</b>: the attribute {@value #TEMPLATE_ID} of the message, else the configured
 *       {@link Template#templateId()}.</li>
 *   <li><b>The keywords</b>, later ones winning: the message text into {@link Template#textKeyword()}
 *       (when configured); each {@link Template#keywordAttributes()} entry, keyword ← the value of the
 *       named message attribute (e.g. {@code time2 ← date}, {@code thing3 ← site}), so a campaign
 *       sets business attributes and never needs to know template keywords; then any attribute
 *       {@value #DATA_PREFIX}{@code <keyword>}, given verbatim. A mapped attribute the message lacks is
 *       a refusal naming the keyword: a notice with an empty line is worse than the next channel.
 *       Line breaks in values become spaces (WeChat does not show them).</li>
 *   <li><b>The link</b> opened on tap: the attribute {@value #URL}, else the attribute named by
 *       {@link Template#urlAttribute()}; none means no link. As a keyword shows 20 characters at most,
 *       long content belongs behind the link.</li>
 *   <li>{@code client_msg_id} is derived from the decision id, so a retried decision within 10
 *       minutes is delivered once by WeChat even if the send ledger's claim was lost.</li>
 * </ul>
 *
 * <p>Refusals become {@link Notifier.DeliveryException}s carrying WeChat's errcode; when WeChat says
 * the user does not follow the account (43004), the openid is not one of its users (40003) or the
 * user refuses its messages (43101), a {@link Notifier.Unreachable}. The openid, the text and the
 * attribute values are personal data and never appear in logs or exceptions.
 */
public final class WeChatOfficialNotifier implements Notifier {

    static final String WECHAT = "wechat";
    /** Message attribute: the template id for this message (overrides the configured one). */
    public static final String TEMPLATE_ID = "wechat.templateId";
    /** Message attribute: the link opened when the message is tapped. */
    public static final String URL = "wechat.url";
    /** Message attribute prefix: {@code wechat.data.thing1 = …} sets keyword {@code thing1} verbatim. */
    public static final String DATA_PREFIX = "wechat.data.";

    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n\\u2028\\u2029]+\\s*");
    private static final Pattern CLIENT_MSG_ID = Pattern.compile("[0-9A-Za-z_.:|-]{1,64}");

    /**
     * How a message fills a template.
     *
     * @param templateId the default template id, or null when every message names its own
     * @param textKeyword the keyword that receives the message text, or null to leave the text out
     * @param keywordAttributes keyword → name of the message attribute whose value fills it
     * @param urlAttribute name of the message attribute holding the link, or null
     */
    public record Template(String templateId, String textKeyword, Map<String, String> keywordAttributes,
                           String urlAttribute) {

        public Template {
            keywordAttributes = keywordAttributes == null ? Map.of() : Map.copyOf(keywordAttributes);
        }

        /** A template whose one keyword carries the message text. */
        public static Template textIn(String templateId, String textKeyword) {
            return new Template(templateId, textKeyword, Map.of(), null);
        }
    }

    private final WeChatOfficialClient client;
    private final Template template;

    public WeChatOfficialNotifier(WeChatOfficialClient client, Template template) {
        this.client = Objects.requireNonNull(client, "client");
        this.template = Objects.requireNonNull(template, "template");
    }

    @Override
    public void send(Message message) {
        if (!WECHAT.equals(message.channel())) {
            throw new IllegalArgumentException("the WeChat official account does not deliver channel '"
                    + message.channel() + "'");
        }
        if (message.address() == null || message.address().isBlank()) {
            throw new DeliveryException("no WeChat openid for the message of decision " + message.decisionId(), null);
        }
        Map<String, String> attributes = message.attributes() == null ? Map.of() : message.attributes();
        String templateId = present(attributes.get(TEMPLATE_ID)) ? attributes.get(TEMPLATE_ID) : template.templateId();
        if (!present(templateId)) {
            throw new DeliveryException("no WeChat template id for the message of decision " + message.decisionId()
                    + " (configure one or set the attribute " + TEMPLATE_ID + ")", null);
        }
        WeChatOfficialClient.TemplateMessage templateMessage = new WeChatOfficialClient.TemplateMessage(
                message.address(), templateId, url(attributes), data(message, attributes), clientMsgId(message.decisionId()));
        try {
            client.sendTemplate(templateMessage);
        } catch (WeChatOfficialClient.WeChatOfficialException e) {
            if (e.recipientUnreachable()) {
                throw new Unreachable("the WeChat official account cannot reach the recipient of decision "
                        + message.decisionId() + ": " + e.getMessage(), e.getCause());
            }
            throw new DeliveryException("WeChat did not take the message of decision " + message.decisionId() + ": "
                    + e.getMessage(), e.getCause());
        } catch (WeChatOfficialCredentials.Unavailable e) {
            throw new DeliveryException("WeChat official account credentials unavailable for the message of decision "
                    + message.decisionId() + ": " + e.getMessage(), e.getCause());
        }
    }

    private Map<String, String> data(Message message, Map<String, String> attributes) {
        Map<String, String> data = new LinkedHashMap<>();
        if (present(template.textKeyword())) {
            if (!present(message.text())) {
                throw new DeliveryException("no text for keyword " + template.textKeyword()
                        + " of the WeChat message of decision " + message.decisionId(), null);
            }
            data.put(template.textKeyword(), oneLine(message.text()));
        }
        template.keywordAttributes().forEach((keyword, attribute) -> {
            if (present(attributes.get(DATA_PREFIX + keyword))) {
                return; // given verbatim below
            }
            String value = attributes.get(attribute);
            if (!present(value)) {
                throw new DeliveryException("no attribute '" + attribute + "' for keyword " + keyword
                        + " of the WeChat message of decision " + message.decisionId(), null);
            }
            data.put(keyword, oneLine(value));
        });
        attributes.forEach((name, value) -> {
            if (name.startsWith(DATA_PREFIX) && name.length() > DATA_PREFIX.length() && present(value)) {
                data.put(name.substring(DATA_PREFIX.length()), oneLine(value));
            }
        });
        if (data.isEmpty()) {
            throw new DeliveryException("nothing to fill the WeChat template with for decision " + message.decisionId()
                    + " (no text keyword, mapped attribute or " + DATA_PREFIX + "* attribute)", null);
        }
        return data;
    }

    private String url(Map<String, String> attributes) {
        if (present(attributes.get(URL))) {
            return attributes.get(URL);
        }
        return template.urlAttribute() == null ? null : attributes.get(template.urlAttribute());
    }

    /**
     * WeChat's duplicate key for this decision: the decision id itself when it is short and plain
     * (they are digests), else a digest of it.
     */
    static String clientMsgId(String decisionId) {
        if (decisionId == null || decisionId.isEmpty()) {
            return null;
        }
        if (CLIENT_MSG_ID.matcher(decisionId).matches()) {
            return decisionId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(decisionId.getBytes(StandardCharsets.UTF_8));
            return "wb-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String value) {
        return LINE_BREAKS.matcher(value.strip()).replaceAll(" ");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
