package dev.winback.core.recall;

import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.state.UserState;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last mile of every recall: the final filter (quiet hours, consent and opt-outs, frequency
 * caps), the coupon within budget, then one message on the first channel that takes it. Every
 * effect goes through a ledger keyed by the decision, so a retried decision repeats none of them.
 */
public final class Recaller {

    private final Policy policy;
    private final OptOutList optOuts;
    private final ContactHistory contacts;
    private final CouponLedger coupons;
    private final SendLedger sends;
    private final Delivery delivery;
    private final CouponPublisher wallet;
    private final SuppressionList suppressed;

    /** Without a suppression list: nobody is listed. */
    public Recaller(Policy policy, OptOutList optOuts, ContactHistory contacts, CouponLedger coupons,
                    SendLedger sends, Notifier notifier, CouponPublisher wallet) {
        this(policy, optOuts, contacts, coupons, sends, notifier, wallet, SuppressionList.NONE);
    }

    public Recaller(Policy policy, OptOutList optOuts, ContactHistory contacts, CouponLedger coupons,
                    SendLedger sends, Notifier notifier, CouponPublisher wallet, SuppressionList suppressed) {
        this.suppressed = suppressed;
        this.policy = policy;
        this.optOuts = optOuts;
        this.contacts = contacts;
        this.coupons = coupons;
        this.sends = sends;
        this.delivery = new Delivery(sends, notifier);
        this.wallet = wallet;
    }

    /** What to decide about: the cause and the reasons gathered so far. */
    public record Request(String decisionId, String trigger, Instant at, UserState user, BigDecimal cartValue,
                          List<String> reasons, Map<String, Object> details) {
    }

    /**
     * Quiet hours, caps and the budget day are judged at the decision's own time ({@code request.at()},
     * the deadline), so a retry of the same decision is judged exactly as the first attempt was.
     *
     * @param now when the decision runs (stamped on the wallet notice)
     * @throws RetryLaterException when no channel took the message; the coupon stays issued and a
     *                             retry sends on the channels that are free again
     */
    public Decision recall(Request request, Instant now) {
        UserState user = request.user();
        List<String> reasons = new ArrayList<>(request.reasons());
        Instant at = request.at();
        if (suppressed.isSuppressed(user.userId)) {
            return suppressed(request, reasons, SuppressionList.REASON); // not eligible: outside both groups
        }
        if (QuietHours.isQuiet(at, user.profileText("timezone"), policy)) {
            return suppressed(request, reasons, "quiet_hours"); // in-session recalls are not deferred
        }
        Reachability.Routes routes = Reachability.of(ContactCard.of(user), policy.recall().channels(), optOuts);
        if (routes.routes().isEmpty()) {
            return suppressed(request, reasons, routes.optedOut() ? "opted_out" : "no_channel");
        }
        Policy.FrequencyCaps caps = policy.messaging().frequencyCaps();
        if (!contacts.reserve(user.userId, request.decisionId(), at, caps.perDay(), caps.perWeek())) {
            return suppressed(request, reasons, "frequency_cap");
        }
        // The control group is drawn among users who would get the message (every filter passed), and a
        // held-out decision keeps the cap slot the message would have taken (a "ghost" contact): the
        // control group's decisions are then spaced like the treated group's, so uplift compares like
        // with like.
        if (Holdout.isHeldOut(user.userId, request.trigger(), policy.attribution().holdout())) {
            return suppressed(request, reasons, "holdout");
        }
        CouponLedger.Issue.Issued coupon = issueCoupon(request, at);
        if (coupon == null) {
            contacts.unreserve(user.userId, request.decisionId());
            return suppressed(request, reasons, "budget");
        }
        // At least once: the wallet dedupes by coupon id, and a lost notice would be a lost coupon.
        if (!sends.published(request.decisionId(), "wallet")) {
            try {
                wallet.publish(coupon.couponId(), request.decisionId(), user.userId, coupon.amount(), "coupon", now);
            } catch (RuntimeException e) {
                throw new RetryLaterException("the wallet topic refused coupon " + coupon.couponId(), e);
            }
            sends.markPublished(request.decisionId(), "wallet");
        }
        String text = MessageText.render(policy.recall().messages(), user.profileText("locale"), coupon.amount());
        String channel = delivery.deliver(new Notifier.Message(request.decisionId(), user.userId, null, null, text,
                Map.of()), routes.routes());
        if (channel == null) {
            throw new RetryLaterException("every channel refused decision " + request.decisionId(), null);
        }
        return new Decision(request.decisionId(), user.userId, request.trigger(), request.at(), Outcome.SENT, reasons,
                new Decision.Reward(coupon.amount(), "coupon"), List.of(channel), request.details());
    }

    /** A8: the rule's amount, or what is left of the day's budget if that still meets the minimum. */
    private CouponLedger.Issue.Issued issueCoupon(Request request, Instant now) {
        Policy.Coupon rule = policy.recall().coupon();
        BigDecimal amount = CouponRule.amount(request.cartValue(), rule);
        LocalDate day = LocalDate.ofInstant(now, policy.timeZone());
        CouponLedger.Issue issue = coupons.issue(request.decisionId(), request.user().userId, amount, day, rule.dailyBudget());
        if (issue instanceof CouponLedger.Issue.BudgetExhausted exhausted
                && exhausted.remaining().compareTo(rule.min()) >= 0 && exhausted.remaining().compareTo(amount) < 0) {
            issue = coupons.issue(request.decisionId(), request.user().userId, exhausted.remaining(), day, rule.dailyBudget());
        }
        return issue instanceof CouponLedger.Issue.Issued issued ? issued : null;
    }

    private static Decision suppressed(Request request, List<String> reasons, String reason) {
        reasons.add(reason);
        return new Decision(request.decisionId(), request.user().userId, request.trigger(), request.at(),
                Outcome.SUPPRESSED, reasons, null, List.of(), request.details());
    }

    /** A transient refusal: the trigger is delivered again and the decision resumes where it stopped. */
    public static class RetryLaterException extends RuntimeException {
        public RetryLaterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
