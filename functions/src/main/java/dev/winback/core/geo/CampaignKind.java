package dev.winback.core.geo;

/** What a site campaign is for (D2), which decides whom it addresses. */
public enum CampaignKind {
    /** The site wants to buy: it addresses suppliers. */
    PURCHASE(Role.SUPPLIER),
    /** The site wants to sell: it addresses buyers. */
    SALE(Role.BUYER);

    private final Role targetRole;

    CampaignKind(Role targetRole) {
        this.targetRole = targetRole;
    }

    /** The directory role this kind of campaign targets. */
    public Role targetRole() {
        return targetRole;
    }

    public String wireName() {
        return name().toLowerCase();
    }

    /** {@code purchase} or {@code sale} (case-insensitive). */
    public static CampaignKind parse(String text) {
        for (CampaignKind kind : values()) {
            if (kind.wireName().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("campaign kind must be purchase or sale, got '" + text + "'");
    }
}
