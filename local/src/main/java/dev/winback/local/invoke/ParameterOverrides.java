package dev.winback.local.invoke;

import dev.winback.local.WinbackCommand.UserError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --parameter-overrides} as SAM CLI takes it: {@code NAME=VALUE} pairs, space-separated, repeatable. */
public final class ParameterOverrides {

    private ParameterOverrides() {
    }

    /** The pairs in the order given; a later value of a name wins. */
    public static Map<String, String> parse(List<String> options) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String option : options) {
            for (String pair : option.trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new UserError("--parameter-overrides: '" + pair + "' is not NAME=VALUE");
                }
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }
}
