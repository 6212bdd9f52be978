package dev.winback.core.event;

/**
 * Why a record was quarantined: a stable {@code code} for counting and alarms, the offending
 * {@code field} (null when the record as a whole is at fault) and a sentence for people.
 */
public record Rejection(String code, String field, String message) {

    public static final String TOO_LARGE = "too_large";
    public static final String INVALID_JSON = "invalid_json";
    public static final String NOT_AN_OBJECT = "not_an_object";
    public static final String MISSING_FIELD = "missing_field";
    public static final String INVALID_FIELD = "invalid_field";
    public static final String UNKNOWN_TYPE = "unknown_type";
    public static final String FUTURE_TIMESTAMP = "future_timestamp";

    @Override
    public String toString() {
        return field == null ? code + ": " + message : code + " (" + field + "): " + message;
    }
}
