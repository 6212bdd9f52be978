package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HoldoutTest {

    @Test
    void aboutTheConfiguredShareOfUsersIsHeldOut() {
        int held = 0;
        for (int i = 0; i < 20_000; i++) {
            held += Holdout.isHeldOut("u-" + i, "deadline", 0.05) ? 1 : 0;
        }
        assertTrue(held > 850 && held < 1150, "5 % of 20,000 is 1,000; got " + held);
    }

    @Test
    void theDrawIsStableAndPerScenario() {
        int differ = 0;
        for (int i = 0; i < 2_000; i++) {
            String user = "u-" + i;
            assertEquals(Holdout.isHeldOut(user, "deadline", 0.05), Holdout.isHeldOut(user, "deadline", 0.05));
            differ += Holdout.isHeldOut(user, "deadline", 0.05) != Holdout.isHeldOut(user, "dormant", 0.05) ? 1 : 0;
        }
        assertTrue(differ > 0, "scenarios draw their control groups independently");
    }

    @Test
    void noShareNoHoldout() {
        for (int i = 0; i < 1_000; i++) {
            assertFalse(Holdout.isHeldOut("u-" + i, "deadline", 0));
        }
    }
}
