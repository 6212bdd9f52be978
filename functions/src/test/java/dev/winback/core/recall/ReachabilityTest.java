package dev.winback.core.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.state.UserState;
import dev.winback.testing.Policies;
import dev.winback.testing.UserBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** C6 consent: which channels can reach a user. */
class ReachabilityTest {

    private static final Instant T0 = Instant.parse("2026-11-22T02:00:00Z");
    private static final String PHONE = "+8613800001111";
    private static final String ENDPOINT = "arn:aws:sns:cn-north-1:123456789012:endpoint/GCM/app/abc";
    private static final List<String> PUSH_SMS = List.of("push", "sms");
    private static final OptOutList NOBODY = phone -> false;

    private static UserBuilder user() {
        return UserBuilder.of("u1", Policies.DEFAULTS, T0);
    }

    private static UserBuilder both() {
        return user().profile("pushEndpoint", ENDPOINT).profile("phone", PHONE);
    }

    private static List<String> channels(Reachability.Routes routes) {
        return routes.routes().stream().map(Reachability.Route::channel).toList();
    }

    @Test
    void pushNeedsAnEndpointAndSmsAPhone() {
        Reachability.Routes routes = reach(both().state(), PUSH_SMS, NOBODY);
        assertEquals(List.of(new Reachability.Route("push", ENDPOINT), new Reachability.Route("sms", PHONE)),
                routes.routes());
        assertFalse(routes.optedOut());

        assertEquals(List.of("sms"), channels(reach(user().profile("phone", PHONE).state(), PUSH_SMS, NOBODY)));
        assertEquals(List.of("push"),
                channels(reach(user().profile("pushEndpoint", ENDPOINT).state(), PUSH_SMS, NOBODY)));
    }

    @Test
    void noAddressMeansNoRouteButNoOptOut() {
        Reachability.Routes routes = reach(user().profile("email", "a@example.com").state(), PUSH_SMS, NOBODY);
        assertTrue(routes.routes().isEmpty());
        assertFalse(routes.optedOut());
    }

    @Test
    void aClearedAddressIsGone() {
        UserState state = both().profile("phone", null).state();
        assertEquals(List.of("push"), channels(reach(state, PUSH_SMS, NOBODY)));
    }

    @Test
    void consentWithdrawnForAChannelExcludesItAndMarksOptedOut() {
        Reachability.Routes routes = reach(both().consent("push", false).state(), PUSH_SMS, NOBODY);
        assertEquals(List.of("sms"), channels(routes));
        assertTrue(routes.optedOut());

        Reachability.Routes onlySms = reach(user().profile("phone", PHONE).consent("sms", false).state(),
                PUSH_SMS, NOBODY);
        assertTrue(onlySms.routes().isEmpty());
        assertTrue(onlySms.optedOut());
    }

    @Test
    void consentGivenAgainRestoresTheChannel() {
        UserState state = both().consent("sms", false).consent("sms", true).state();
        Reachability.Routes routes = reach(state, PUSH_SMS, NOBODY);
        assertEquals(PUSH_SMS, channels(routes));
        assertFalse(routes.optedOut());
    }

    @Test
    void optingOutOfAChannelWithoutAnAddressIsNotAnOptOut() {
        Reachability.Routes routes = reach(user().profile("phone", PHONE).consent("push", false).state(),
                PUSH_SMS, NOBODY);
        assertEquals(List.of("sms"), channels(routes));
        assertFalse(routes.optedOut());
    }

    @Test
    void withdrawingAllOrMarketingExcludesEveryChannel() {
        for (String key : List.of("all", "marketing")) {
            Reachability.Routes routes = reach(both().consent(key, false).state(), PUSH_SMS, NOBODY);
            assertTrue(routes.routes().isEmpty(), key);
            assertTrue(routes.optedOut(), key);
        }
        assertEquals(PUSH_SMS, channels(reach(both().consent("marketing", true).state(), PUSH_SMS, NOBODY)));
    }

    @Test
    void aPhoneOnTheOptOutListExcludesSmsOnly() {
        List<String> asked = new ArrayList<>();
        OptOutList stop = phone -> {
            asked.add(phone);
            return Set.of(PHONE).contains(phone);
        };
        Reachability.Routes routes = reach(both().state(), PUSH_SMS, stop);
        assertEquals(List.of("push"), channels(routes));
        assertTrue(routes.optedOut());
        assertEquals(List.of(PHONE), asked, "the opt-out list is asked about the phone only");

        Reachability.Routes other = reach(user().profile("phone", "+8613900002222").state(), PUSH_SMS, stop);
        assertEquals(List.of("sms"), channels(other));
    }

    @Test
    void thePolicysChannelOrderIsKept() {
        assertEquals(List.of("sms", "push"), channels(reach(both().state(), List.of("sms", "push"), NOBODY)));
        assertEquals(List.of("sms"), channels(reach(both().state(), List.of("sms"), NOBODY)));
        assertEquals(PUSH_SMS, Policies.DEFAULTS.recall().channels(), "default order push -> sms");
    }

    /** The rule reads the user's contact card, as a recall or a dormant scan builds it. */
    private static Reachability.Routes reach(dev.winback.core.state.UserState user, java.util.List<String> order,
                                             OptOutList optOuts) {
        return Reachability.of(ContactCard.of(user), order, optOuts);
    }
}
