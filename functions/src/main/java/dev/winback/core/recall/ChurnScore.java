package dev.winback.core.recall;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.UserState;
import java.time.Duration;
import java.util.Map;

/** A6: a logistic model over session features, its coefficients in the policy. */
public final class ChurnScore {

    private ChurnScore() {
    }

    public static double score(Timer timer, UserState user, Policy.ChurnModel model) {
        double z = model.intercept();
        for (Map.Entry<String, Double> coefficient : model.coefficients().entrySet()) {
            z += coefficient.getValue() * feature(coefficient.getKey(), timer, user);
        }
        return 1 / (1 + Math.exp(-z));
    }

    static double feature(String name, Timer timer, UserState user) {
        return switch (name) {
            case "pagesViewed" -> user.session.pagesViewed;
            case "cartValue" -> user.cartValue().doubleValue();
            case "leftApp" -> user.session.leftApp ? 1 : 0;
            case "minutesOnPage" -> Duration.between(timer.enteredAt(), timer.dueAt()).toSeconds() / 60.0;
            case "orders" -> user.orders;
            default -> throw new IllegalArgumentException("unknown churn feature " + name); // policy checks prevent it
        };
    }
}
