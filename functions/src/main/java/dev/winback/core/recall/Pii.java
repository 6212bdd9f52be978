package dev.winback.core.recall;

/** Masks contact addresses wherever they would be shown or logged (phones, emails, ids). */
public final class Pii {

    private Pii() {
    }

    /** {@code +8613800001111} → {@code +861*******111}; {@code alice@example.com} → {@code a***@example.com}. */
    public static String mask(String address) {
        if (address == null || address.isEmpty()) {
            return address;
        }
        int at = address.indexOf('@');
        if (at > 0) {
            return address.charAt(0) + "***" + address.substring(at);
        }
        if (address.startsWith("arn:")) {
            return address.substring(0, address.lastIndexOf('/') + 1) + "***";
        }
        int keep = Math.min(4, address.length() / 3);
        int tail = Math.min(3, address.length() / 4);
        return address.substring(0, keep) + "*".repeat(address.length() - keep - tail)
                + address.substring(address.length() - tail);
    }
}
