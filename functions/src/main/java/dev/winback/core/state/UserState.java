package dev.winback.core.state;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.BehaviorEvent.CartAdd;
import dev.winback.core.event.BehaviorEvent.CartRemove;
import dev.winback.core.event.BehaviorEvent.ConsentUpdated;
import dev.winback.core.event.BehaviorEvent.MessageFeedback;
import dev.winback.core.event.BehaviorEvent.OrderPlaced;
import dev.winback.core.event.BehaviorEvent.PageView;
import dev.winback.core.event.BehaviorEvent.ProfileUpdated;
import dev.winback.core.event.BehaviorEvent.Transaction;
import dev.winback.core.event.EventType;
import dev.winback.core.policy.Policy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything Winback knows about one user, kept small because it is rewritten on every batch that
 * touches the user: aggregates and day buckets instead of raw history.
 */
public final class UserState extends Subject {

    public String userId;
    /** Profile and contact fields as sent in profile_updated (phone, email, wecomId, timezone, zone, ...). */
    public SortedMap<String, Object> profile = new TreeMap<>();
    /** Channel -> opted in. A channel never mentioned is allowed (opt-out model, as SMS STOP). */
    public SortedMap<String, Boolean> consent = new TreeMap<>();

    public Instant registeredAt;
    public Instant lastLoginAt;
    /** C1: logins and logouts are both tracked; a session's end is the later of logout and app_leave. */
    public Instant lastLogoutAt;
    public Instant lastSeenAt;
    /** Last in-app activity: sessions time out from this, not from server-side events. */
    public Instant lastActiveAt;
    public Session session;
    public List<CartLine> cart = new ArrayList<>();

    public int orders;
    public BigDecimal spend = BigDecimal.ZERO;
    public Instant firstOrderAt;
    public Instant lastOrderAt;
    public int ordersCompleted;
    public int couponsUsed;
    /** C1: the latest order's amount and every order's discount, for conversion reports. */
    public BigDecimal lastOrderAmount;
    public BigDecimal discounts = BigDecimal.ZERO;
    /** C1: clicks (any target), for custom segments and engagement. */
    public int clicks;
    public Instant lastClickAt;
    /** Orders per day (policy time zone) over the longest segment window. */
    public TreeMap<LocalDate, DayOrders> ordersByDay = new TreeMap<>();
    /** A2: per watched page kind, milliseconds from entering the page to ordering. */
    public SortedMap<String, Tally> timeToOrder = new TreeMap<>();
    /** A3b: pages viewed in sessions that converted. */
    public Tally pagesPerConvertingSession = Tally.EMPTY;
    /** B1: logins per day (policy time zone) over the dormancy window. */
    public TreeMap<LocalDate, Integer> loginsByDay = new TreeMap<>();

    public int messagesDelivered;
    public int messagesRead;
    public int messagesClicked;
    public Instant lastMessageClickAt;
    public int transactions;
    public BigDecimal transactionAmount = BigDecimal.ZERO;
    public Instant lastDealAt;

    /** B6: the day the user becomes (or became) dormant; the dormant-cohort index is keyed by it. */
    public LocalDate dormantFrom;

    /** C2 segment tags, recomputed after every applied batch. */
    public SortedSet<String> tags = new TreeSet<>();

    /** C5: journey name → the user's place in it (started at registration, advanced as its steps fire). */
    public SortedMap<String, JourneyProgress> journeys = new TreeMap<>();

    public static UserState newUser(String userId) {
        UserState state = new UserState();
        state.userId = userId;
        return state;
    }

    @Override
    public UserState copy() {
        UserState copy = new UserState();
        copy.profile = new TreeMap<>(profile); // from a sorted map: built in one pass, then each value replaced
        for (Map.Entry<String, Object> field : copy.profile.entrySet()) {
            Object value = StoredForm.profileValue(field.getValue());
            if (value == StoredForm.UNMODELLED) {
                return StateCodec.fromBytes(StateCodec.toBytes(this), UserState.class); // rare: e.g. a BigInteger
            }
            field.setValue(value);
        }
        copyFingerprintsTo(copy);
        copy.userId = StoredForm.text(userId);
        copy.consent = new TreeMap<>(consent);
        copy.registeredAt = StoredForm.instant(registeredAt);
        copy.lastLoginAt = StoredForm.instant(lastLoginAt);
        copy.lastLogoutAt = StoredForm.instant(lastLogoutAt);
        copy.lastSeenAt = StoredForm.instant(lastSeenAt);
        copy.lastActiveAt = StoredForm.instant(lastActiveAt);
        copy.session = session == null ? null : session.copy();
        copy.cart.addAll(cart); // lines are immutable
        copy.orders = orders;
        copy.spend = spend;
        copy.firstOrderAt = StoredForm.instant(firstOrderAt);
        copy.lastOrderAt = StoredForm.instant(lastOrderAt);
        copy.ordersCompleted = ordersCompleted;
        copy.couponsUsed = couponsUsed;
        copy.lastOrderAmount = lastOrderAmount;
        copy.discounts = discounts;
        copy.clicks = clicks;
        copy.lastClickAt = StoredForm.instant(lastClickAt);
        copy.ordersByDay = new TreeMap<>(ordersByDay);
        copy.timeToOrder = new TreeMap<>(timeToOrder);
        copy.pagesPerConvertingSession = pagesPerConvertingSession;
        copy.loginsByDay = new TreeMap<>(loginsByDay);
        copy.messagesDelivered = messagesDelivered;
        copy.messagesRead = messagesRead;
        copy.messagesClicked = messagesClicked;
        copy.lastMessageClickAt = StoredForm.instant(lastMessageClickAt);
        copy.transactions = transactions;
        copy.transactionAmount = transactionAmount;
        copy.lastDealAt = StoredForm.instant(lastDealAt);
        copy.dormantFrom = dormantFrom;
        copy.tags = new TreeSet<>(tags);
        journeys.forEach((name, progress) -> copy.journeys.put(name, progress.stored()));
        return copy;
    }

    /** Folds one event into the state. Events are applied in stream order. */
    public void apply(BehaviorEvent event, Policy policy) {
        Instant at = event.occurredAt();
        followSession(event, policy);
        switch (event) {
            case BehaviorEvent.Register r -> registeredAt = registeredAt == null ? at : min(registeredAt, at);
            case BehaviorEvent.SessionSignal s -> applySignal(s.type(), at, policy);
            case PageView p -> applyPageView(p, policy);
            case CartAdd c -> addToCart(c);
            case CartRemove c -> removeFromCart(c);
            case OrderPlaced o -> applyOrder(o, policy);
            case BehaviorEvent.OrderCompleted o -> ordersCompleted++;
            case BehaviorEvent.CouponUsed c -> couponsUsed++;
            case ProfileUpdated p -> applyProfile(p);
            case ConsentUpdated c -> consent.put(c.channel(), c.optedIn());
            case MessageFeedback m -> applyFeedback(m);
            case Transaction t -> {
                transactions++;
                transactionAmount = transactionAmount.add(t.amount());
                lastDealAt = lastDealAt == null ? at : max(lastDealAt, at);
            }
            case BehaviorEvent.Click c -> {
                clicks++;
                lastClickAt = lastClickAt == null ? at : max(lastClickAt, at);
            }
            case BehaviorEvent.DeliveryPressure d -> { }
            case BehaviorEvent.MerchantSupply m -> { }
            case BehaviorEvent.SiteCampaign c -> { }
        }
        lastSeenAt = lastSeenAt == null ? at : max(lastSeenAt, at);
    }

    /** Starts a new session on a new sessionId, on app_open, or after the inactivity timeout. */
    private void followSession(BehaviorEvent event, Policy policy) {
        Instant at = event.occurredAt();
        String sessionId = event.envelope().sessionId();
        if (!isAppActivity(event.type())) {
            return; // server-side facts neither open a session nor keep one alive
        }
        boolean idle = lastActiveAt != null
                && Duration.between(lastActiveAt, at).compareTo(policy.ingest().sessionTimeout()) > 0;
        boolean newId = sessionId != null && session != null && !sessionId.equals(session.id);
        if (session == null || newId || idle || event.type() == EventType.APP_OPEN) {
            session = Session.startingAt(sessionId, at);
        }
        lastActiveAt = lastActiveAt == null ? at : max(lastActiveAt, at);
    }

    private static boolean isAppActivity(EventType type) {
        return switch (type) {
            case PROFILE_UPDATED, CONSENT_UPDATED, MESSAGE_DELIVERED, MESSAGE_READ, MESSAGE_CLICKED, TRANSACTION,
                 DELIVERY_PRESSURE, MERCHANT_SUPPLY, SITE_CAMPAIGN -> false;
            default -> true;
        };
    }

    private void applySignal(EventType type, Instant at, Policy policy) {
        switch (type) {
            case LOGIN -> {
                lastLoginAt = lastLoginAt == null ? at : max(lastLoginAt, at);
                loginsByDay.merge(day(at, policy), 1, Integer::sum);
                pruneBefore(loginsByDay, day(lastLoginAt, policy).minusDays(policy.dormancy().window().toDays() - 1));
            }
            case APP_LEAVE -> {
                session.leftApp = true;
                session.leftAt = at;
            }
            case LOGOUT -> {
                lastLogoutAt = lastLogoutAt == null ? at : max(lastLogoutAt, at);
                session.leftApp = false; // a logout is in the app: the user is (or was) there
            }
            default -> session.leftApp = false; // app_open: the user is in the app
        }
    }

    private void applyPageView(PageView view, Policy policy) {
        session.leftApp = false;
        if (view.type() == EventType.PAGE_ENTER) {
            session.pagesViewed++;
            session.lastPage = view.page();
            if (policy.recall().watchedPages().containsKey(view.page())) {
                session.watchedEnteredAt.put(view.page(), view.occurredAt());
            }
        }
    }

    private void addToCart(CartAdd add) {
        int quantity = add.quantity();
        String merchant = add.merchantId();
        for (int i = 0; i < cart.size(); i++) {
            CartLine line = cart.get(i);
            if (line.itemId().equals(add.itemId())) {
                quantity += line.quantity();
                merchant = merchant != null ? merchant : line.merchantId(); // the A7 gate needs the merchant
                cart.remove(i);
                break;
            }
        }
        cart.add(new CartLine(add.itemId(), add.price(), quantity, merchant));
    }

    private void removeFromCart(CartRemove remove) {
        for (int i = 0; i < cart.size(); i++) {
            CartLine line = cart.get(i);
            if (line.itemId().equals(remove.itemId())) {
                int left = remove.quantity() == null ? 0 : line.quantity() - remove.quantity();
                if (left > 0) {
                    cart.set(i, new CartLine(line.itemId(), line.price(), left, line.merchantId()));
                } else {
                    cart.remove(i);
                }
                return;
            }
        }
    }

    private void applyOrder(OrderPlaced order, Policy policy) {
        Instant at = order.occurredAt();
        orders++;
        spend = spend.add(order.amount());
        firstOrderAt = firstOrderAt == null ? at : min(firstOrderAt, at);
        if (lastOrderAt == null || !at.isBefore(lastOrderAt)) {
            lastOrderAmount = order.amount();
        }
        lastOrderAt = lastOrderAt == null ? at : max(lastOrderAt, at);
        if (order.discount() != null) {
            discounts = discounts.add(order.discount());
        }
        ordersByDay.merge(day(at, policy), new DayOrders(1, order.amount()), (held, one) -> held.add(order.amount()));
        pruneBefore(ordersByDay, day(lastOrderAt, policy).minusDays(SegmentRules.LONGEST_WINDOW_DAYS - 1));

        // A2: each watched page the user entered this session converted after (order - entry).
        for (Map.Entry<String, Instant> entered : session.watchedEnteredAt.entrySet()) {
            long millis = Duration.between(entered.getValue(), at).toMillis();
            if (millis >= 0) {
                timeToOrder.merge(entered.getKey(), Tally.EMPTY.add(millis), (a, b) -> a.add(b.total()));
            }
        }
        session.watchedEnteredAt.clear(); // A9: an order settles every pending timer of the session
        if (!session.converted) {
            session.converted = true;
            pagesPerConvertingSession = pagesPerConvertingSession.add(session.pagesViewed);
        }
        cart.clear();
    }

    private void applyProfile(ProfileUpdated update) {
        for (Map.Entry<String, Object> field : update.fields().entrySet()) {
            if (field.getValue() == null) {
                profile.remove(field.getKey()); // an explicit null clears the field
            } else {
                profile.put(field.getKey(), field.getValue());
            }
        }
    }

    private void applyFeedback(MessageFeedback feedback) {
        switch (feedback.type()) {
            case MESSAGE_DELIVERED -> messagesDelivered++;
            case MESSAGE_READ -> messagesRead++;
            default -> {
                messagesClicked++;
                lastMessageClickAt = lastMessageClickAt == null ? feedback.occurredAt()
                        : max(lastMessageClickAt, feedback.occurredAt());
            }
        }
    }

    // --- derived views ---------------------------------------------------------------------------

    public BigDecimal cartValue() {
        BigDecimal total = BigDecimal.ZERO;
        for (CartLine line : cart) {
            total = total.add(line.value());
        }
        return total;
    }

    /** The merchant of the most recently added cart line that names one (A7). */
    public String cartMerchant() {
        for (int i = cart.size() - 1; i >= 0; i--) {
            if (cart.get(i).merchantId() != null) {
                return cart.get(i).merchantId();
            }
        }
        return null;
    }

    public String profileText(String field) {
        Object value = profile.get(field);
        return value instanceof String text ? text : null;
    }

    static LocalDate day(Instant at, Policy policy) {
        return LocalDate.ofInstant(at, policy.timeZone());
    }

    private static <V> void pruneBefore(TreeMap<LocalDate, V> byDay, LocalDate firstKept) {
        byDay.headMap(firstKept, false).clear();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
