package dev.winback.core.geo;

/**
 * The id that ties a campaign message to its feedback (D7): {@code campaign:<campaignId>:<userId>}. It
 * is the decision id of the send, the {@code messageId} every channel carries (the SMS, the WeChat
 * message's {@code client_msg_id}, the call task, the inbox item), and so the {@code messageId} that
 * {@code message_read}, {@code message_clicked} and {@code transaction} events name. Deriving it from
 * the campaign and the user makes every retry of a send the same decision, and lets feedback find its
 * {@link TargetEngagement} without a lookup table.
 */
public final class CampaignMessageIds {

    /** What every campaign message id, and every campaign decision's trigger, starts with. */
    public static final String PREFIX = "campaign:";

    private CampaignMessageIds() {
    }

    /** The message (and decision) id of {@code campaignId}'s message to {@code userId}. */
    public static String of(String campaignId, String userId) {
        return PREFIX + campaignId + ":" + userId;
    }

    /** The decisions' trigger: {@code campaign:<campaignId>}. */
    public static String trigger(String campaignId) {
        return PREFIX + campaignId;
    }

    /**
     * The campaign a message id names when it is a campaign message to {@code userId}, else null (a
     * recall's message id, another user's message, no id). Campaign ids may contain {@code :}; the user
     * id, which the event carries anyway, is matched from the end.
     */
    public static String campaignOf(String messageId, String userId) {
        if (messageId == null || userId == null || !messageId.startsWith(PREFIX)) {
            return null;
        }
        String suffix = ":" + userId;
        if (!messageId.endsWith(suffix) || messageId.length() <= PREFIX.length() + suffix.length()) {
            return null;
        }
        return messageId.substring(PREFIX.length(), messageId.length() - suffix.length());
    }
}
