package dev.winback.core.geo;

/** The ways a site campaign reaches a user (D5). */
public enum CampaignChannel {
    /** A text message to the user's phone. */
    SMS("sms"),
    /** A message from the marketplace's WeChat official account, to the user's openId. */
    WECHAT_OFFICIAL_ACCOUNT("wechat_oa"),
    /** A message in the marketplace app's inbox. */
    IN_APP("in_app"),
    /** A call task: an agent or a call service phones the user and reads the offer. */
    PHONE_CALL("call_task");

    private final String wireName;

    CampaignChannel(String wireName) {
        this.wireName = wireName;
    }

    /** The name in send ledgers, metrics and topics. */
    public String wireName() {
        return wireName;
    }
}
