package dev.winback.core.segments;

import java.util.Set;

/** The names of the built-in segment tags (C2); custom segments may not take them. */
public final class BuiltInTags {

    public static final String NEW_NO_ORDER = "new_no_order";
    public static final String HIGH_VALUE = "high_value";
    public static final String HIGH_FREQUENCY = "high_frequency";
    public static final String DORMANT = "dormant";

    public static final Set<String> ALL = Set.of(NEW_NO_ORDER, HIGH_VALUE, HIGH_FREQUENCY, DORMANT);

    private BuiltInTags() {
    }
}
