package dev.winback.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.core.recall.Decision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares what a faulty run left on the engines with the fault-free reference and counts the two
 * things the fault suite is about:
 *
 * <ul>
 *   <li><b>lost</b>: good events whose effect is missing (all the events of a user whose stored
 *       state differs from the reference's), decisions missing or decided differently, coupons
 *       missing from the ledger or never announced on the wallet topic, SMS the reference sent
 *       that never reached the phone;</li>
 *   <li><b>duplicates</b>: coupons or decisions the reference does not have, SMS beyond what the
 *       reference sent to that phone. (A coupon notice repeated after a crash is not one: the wallet
 *       drops repeats by coupon id; {@link #repeatedNotices()} counts them.)</li>
 * </ul>
 *
 * {@link #problems()} says which, so a failing run explains itself.
 */
public final class FaultScore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> problems = new ArrayList<>();
    private int lost;
    private int repeatedNotices;
    private int duplicates;
    private int decisions;
    private int coupons;
    private int sms;

    private FaultScore() {
    }

    /** Scores a run of {@code pipeline} on {@code trace} against the trace's reference. */
    public static FaultScore of(FaultTrace trace, RecallPipeline pipeline) {
        FaultScore score = new FaultScore();
        FaultTrace.Reference reference = trace.reference();
        score.users(trace, reference.users(), pipeline.users());
        score.decisions(reference.decisions(), pipeline.decisions(reference.users().keySet(),
                trace.first().minusSeconds(86_400), trace.last().plusSeconds(86_400)));
        score.coupons(reference.coupons(), pipeline.coupons(), pipeline.couponNotices());
        score.sms(reference.smsPerPhone(), smsTo(trace.phoneOf().values()));
        return score;
    }

    public int lost() {
        return lost;
    }

    /** Coupon notices published again after a crash (dropped by the wallet, by coupon id). */
    public int repeatedNotices() {
        return repeatedNotices;
    }

    public int duplicates() {
        return duplicates;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Effects the run produced, for the summary: decisions, coupons, SMS. */
    public String effects() {
        return decisions + " decisions, " + coupons + " coupons, " + sms + " SMS";
    }

    private void users(FaultTrace trace, Map<String, String> expected, Map<String, String> actual) {
        expected.forEach((user, state) -> {
            if (!state.equals(actual.get(user))) {
                lost += trace.eventsOf().getOrDefault(user, 1);
                problems.add("state of " + user + " differs from the reference");
            }
        });
        actual.keySet().stream().filter(user -> !expected.containsKey(user))
                .forEach(user -> problems.add("unexpected user " + user));
    }

    private void decisions(Map<String, Decision> expected, Map<String, Decision> actual) {
        decisions = actual.size();
        expected.forEach((id, decision) -> {
            Decision got = actual.get(id);
            if (got == null || !sameVerdict(decision, got)) {
                lost++;
                problems.add("decision " + id + ": expected " + verdict(decision) + ", got "
                        + (got == null ? "none" : verdict(got)));
            }
        });
        actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> {
            duplicates++;
            problems.add("decision " + id + " is not in the reference: " + verdict(actual.get(id)));
        });
    }

    private void coupons(Map<String, BigDecimal> expected, Map<String, BigDecimal> inLedger, List<String> notices) {
        coupons = inLedger.size();
        expected.forEach((decision, amount) -> {
            BigDecimal got = inLedger.get(decision);
            if (got == null || got.compareTo(amount) != 0) {
                lost++;
                problems.add("coupon of " + decision + ": expected " + amount + ", ledger has " + got);
            }
        });
        inLedger.keySet().stream().filter(d -> !expected.containsKey(d)).forEach(d -> {
            duplicates++;
            problems.add("coupon of " + d + " is not in the reference");
        });
        Map<String, Integer> perCoupon = new TreeMap<>();
        notices.forEach(id -> perCoupon.merge(id, 1, Integer::sum));
        expected.keySet().forEach(decision -> {
            int count = perCoupon.getOrDefault("cp-" + decision, 0);
            if (count == 0) {
                lost++;
                problems.add("coupon cp-" + decision + " was never announced to the wallet");
            }
        });
        // A notice is published at least once (publish, then record it): a crash between the two repeats
        // it, and the wallet drops the repeat by coupon id (SnsCouponPublisher's contract). A repeated
        // notice is therefore not a duplicate coupon; it is counted for the record.
        perCoupon.forEach((id, count) -> repeatedNotices += Math.max(0, count - 1));
    }

    private void sms(Map<String, Integer> expected, Map<String, Integer> observed) {
        sms = observed.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Integer> all = new HashMap<>(observed);
        expected.forEach((phone, n) -> all.putIfAbsent(phone, 0));
        all.forEach((phone, got) -> {
            int want = expected.getOrDefault(phone, 0);
            if (got < want) {
                lost += want - got;
                problems.add(phone.substring(0, 5) + "…: " + got + " SMS, expected " + want);
            } else if (got > want) {
                duplicates += got - want;
                problems.add(phone.substring(0, 5) + "…: " + got + " SMS, expected " + want);
            }
        });
    }

    private static boolean sameVerdict(Decision a, Decision b) {
        return a.outcome() == b.outcome() && a.reasons().equals(b.reasons()) && a.channels().equals(b.channels())
                && Objects.equals(amount(a), amount(b)) && a.at().equals(b.at());
    }

    private static String verdict(Decision d) {
        return d.outcome().wireName() + " " + d.reasons() + " " + d.channels() + " " + amount(d);
    }

    private static BigDecimal amount(Decision d) {
        return d.coupon() == null ? null : d.coupon().amount().stripTrailingZeros();
    }

    /** SMS that MiniStack recorded for these numbers (it keeps direct-to-phone publishes). */
    public static Map<String, Integer> smsTo(Iterable<String> phones) {
        try {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                    URI.create(MiniStack.endpoint() + "/_ministack/sns/sms-messages")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode all = JSON.readTree(response.body()).path("sms_messages");
            Map<String, Integer> counts = new TreeMap<>();
            for (String phone : phones) {
                int n = all.path(phone).size();
                if (n > 0) {
                    counts.put(phone, n);
                }
            }
            return counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
