package dev.winback.testing;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.UserState;
import java.time.Duration;
import java.time.Instant;

/**
 * Builds a {@link UserState} the way ingestion does: by applying decoded events in order, each with
 * a fresh eventId. A cursor keeps the time; {@link #after(Duration)} moves it on.
 *
 * <pre>{@code
 * UserState user = UserBuilder.of("u1", policy, T0).then("app_open").page("order").cart("68.00").state();
 * }</pre>
 */
public final class UserBuilder {

    private final UserState user;
    private final Policy policy;
    private Instant now;
    private int events;

    private UserBuilder(String userId, Policy policy, Instant start) {
        this.user = UserState.newUser(userId);
        this.policy = policy;
        this.now = start;
    }

    public static UserBuilder of(String userId, Policy policy, Instant start) {
        return new UserBuilder(userId, policy, start);
    }

    /** Applies {@code event} (any userId, eventId and occurredAt in it are replaced) at the cursor. */
    public UserBuilder apply(EventJson event) {
        user.apply(event.user(user.userId).id(user.userId + "-e" + (++events)).at(now).decoded(), policy);
        return this;
    }

    /** An event without fields (app_open, app_leave, login, …) at the cursor. */
    public UserBuilder then(String type) {
        return apply(EventJson.event(type));
    }

    public UserBuilder page(String page) {
        return apply(EventJson.event("page_enter").with("page", page));
    }

    public UserBuilder pages(int count, String page) {
        for (int i = 0; i < count; i++) {
            page(page);
        }
        return this;
    }

    /** Adds one item at {@code price} from merchant m1. */
    public UserBuilder cart(String price) {
        return apply(EventJson.event("cart_add").with("itemId", "sku-" + (events + 1)).with("price", price)
                .with("quantity", 1).with("merchantId", "m1"));
    }

    public UserBuilder order(String amount) {
        return apply(EventJson.event("order_placed").with("orderId", "o-" + (events + 1)).with("amount", amount));
    }

    public UserBuilder profile(String field, Object value) {
        return apply(EventJson.event("profile_updated").with(field, value));
    }

    public UserBuilder consent(String channel, boolean optedIn) {
        return apply(EventJson.event("consent_updated").with("channel", channel).with("optedIn", optedIn));
    }

    public UserBuilder after(Duration step) {
        now = now.plus(step);
        return this;
    }

    public UserBuilder at(Instant at) {
        now = at;
        return this;
    }

    public Instant now() {
        return now;
    }

    public UserState state() {
        return user;
    }
}
