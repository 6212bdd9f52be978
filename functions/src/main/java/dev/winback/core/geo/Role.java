package dev.winback.core.geo;

/** A directory user's side of the market (D1): suppliers sell to sites, buyers buy from them. */
public enum Role {
    SUPPLIER, BUYER;

    /** The name used in files, events and index keys: {@code supplier}, {@code buyer}. */
    public String wireName() {
        return name().toLowerCase();
    }

    /** The role named {@code text} (case-insensitive, trimmed), or null when it names none. */
    public static Role parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.trim().toLowerCase()) {
            case "supplier" -> SUPPLIER;
            case "buyer" -> BUYER;
            default -> null;
        };
    }
}
