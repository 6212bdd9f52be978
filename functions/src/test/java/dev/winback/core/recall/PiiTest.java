package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** No PII in logs: contact addresses are masked. */
class PiiTest {

    @Test
    void phone() {
        assertEquals("+861*******111", Pii.mask("+8613800001111"));
        assertEquals("+120*****567", Pii.mask("+12025550567"));
    }

    @Test
    void email() {
        assertEquals("a***@example.com", Pii.mask("alice@example.com"));
        assertEquals("b***@x.cn", Pii.mask("b@x.cn"));
    }

    @Test
    void arnKeepsThePathAndHidesTheId() {
        assertEquals("arn:aws:sns:cn-north-1:123456789012:endpoint/GCM/app/***",
                Pii.mask("arn:aws:sns:cn-north-1:123456789012:endpoint/GCM/app/5e3e9847-3183-3f18-a7e8-671c3a57d4b3"));
    }

    @Test
    void otherIdsKeepOnlyTheirEnds() {
        assertEquals("zh****an", Pii.mask("zhangsan"));
        String masked = Pii.mask("wecom-user-0042");
        assertEquals("wecom-user-0042".length(), masked.length());
        assertFalse(masked.contains("user"), masked);
    }

    @Test
    void shortValuesAreFullyOrMostlyMasked() {
        assertEquals("**", Pii.mask("ab"));
        assertEquals("*", Pii.mask("a"));
        assertEquals("1***5", Pii.mask("12345"));
    }

    @Test
    void nullAndEmptyPassThrough() {
        assertNull(Pii.mask(null));
        assertEquals("", Pii.mask(""));
    }

    @Test
    void theMiddleOfAPhoneNeverShows() {
        String phone = "+8613812345678";
        assertFalse(Pii.mask(phone).contains("1234567"));
        assertFalse(Pii.mask(phone).contains("2345"));
    }
}
