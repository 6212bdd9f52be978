package dev.winback.local.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.winback.local.WinbackCommand.UserError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterOverridesTest {

    @Test
    void pairsComeSpaceSeparatedOrRepeatedAndALaterValueWins() {
        Map<String, String> values = ParameterOverrides.parse(List.of("Stage=dev  PolicyTimeZone=Asia/Shanghai",
                "Stage=prod", "DailyCouponBudget=500"));
        assertEquals(List.of("Stage", "PolicyTimeZone", "DailyCouponBudget"), List.copyOf(values.keySet()));
        assertEquals(List.of("prod", "Asia/Shanghai", "500"), List.copyOf(values.values()));
    }

    @Test
    void aValueMayHoldAnEqualsSignOrBeEmpty() {
        assertEquals(Map.of("Filter", "a=b", "Empty", ""), ParameterOverrides.parse(List.of("Filter=a=b", "Empty=")));
    }

    @Test
    void somethingElseIsOneClearError() {
        UserError error = assertThrows(UserError.class, () -> ParameterOverrides.parse(List.of("Stage=dev Oops")));
        assertEquals("--parameter-overrides: 'Oops' is not NAME=VALUE", error.getMessage());
        assertThrows(UserError.class, () -> ParameterOverrides.parse(List.of("=dev")));
    }
}
