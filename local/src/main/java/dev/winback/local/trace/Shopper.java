package dev.winback.local.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * One consumer of the app, from registration (or the start of the trace) on: what a real user's
 * event stream looks like.
 *
 * <p><b>Days.</b> Each day the user opens the app a Poisson number of times (the archetype's rate,
 * 15 % more at weekends, fading by 10 % a day after a newcomer's registration day), at instants
 * drawn from {@link Diurnal#SHOPPING} in the user's own time zone. Sessions never overlap: one that
 * would start within 30 s of the previous one's end starts a little later. A quarter of the days a
 * marketing push arrives at 11:00 or 17:00 local time ({@code message_delivered}); some users read
 * it, some of those click it and land on the coupon page. A lapsing user stops all sessions after a
 * random number of days (pushes still arrive, and are seldom read).
 *
 * <p><b>A session</b>: {@code app_open}, {@code login}, the profile the first time, then pages along
 * {@link PageFlow}, each a {@code page_enter}, a log-normal dwell ({@link Page}'s median × the user's
 * own speed, σ 0.6) and a {@code page_leave}; on a product page maybe a {@code click} and a
 * {@code cart_add} (the cart persists across sessions, as carts do, until the app drops it after a
 * day with a {@code cart_remove} per line), sometimes a {@code cart_remove};
 * on the coupon page maybe a claimed coupon; on the order page, with a cart, the order — or not, and
 * the user goes back or leaves. The session ends with an {@code app_leave} (a few users log out first;
 * a third of the time the app is backgrounded without leaving the page).
 *
 * <p><b>An order</b>: {@code order_placed} with the cart's value, the merchant, a fictional address,
 * and the claimed coupon's discount (at most 30 % of the amount, on orders of 20.00 or more) followed
 * by {@code coupon_used}; 97 % are delivered: {@code order_completed} 35 minutes later (log-normal).
 *
 * <p><b>Profile and consent</b>: {@code profile_updated} with time zone, locale, delivery zone and
 * fictional contacts (phones +86 138 00xx xxxx, {@code @example.com} mail, WeCom ids, demo push
 * endpoints) — most users have some, few have all; 3 % update it later (moved zone or new e-mail).
 * 4 % opt out of one channel ({@code consent_updated}), a fifth of them opt back in days later.
 */
final class Shopper extends Source {

    private static final int MAX_PAGES = 30;
    private static final int MAX_CART_LINES = 8;
    private static final String[] ADDRESS_DISTRICTS = {"Pudong", "Xuhui", "Jing'an", "Huangpu", "Changning",
            "Putuo", "Hongkou", "Yangpu", "Minhang"};
    private static final String[] REGISTER_CHANNELS = {"app-store", "wechat-miniprogram", "referral", "web"};
    private static final double[] REGISTER_SHARES = Rng.cumulative(0.45, 0.35, 0.12, 0.08);
    private static final String[] CONSENT_CHANNELS = {"sms", "email", "push", "wecom"};
    private static final double[] CONSENT_SHARES = Rng.cumulative(0.4, 0.3, 0.2, 0.1);

    private static final byte SESSION = 0;
    private static final byte PUSH = 1;
    private static final byte REGISTER = 2;
    private static final byte OPT_OUT = 3;
    private static final byte OPT_IN = 4;
    private static final byte PROFILE_CHANGE = 5;

    private record CartLine(int merchant, int item, long cents, int quantity) {
    }

    private final World world;
    private final Catalog catalog;
    private final Rng rng;
    private final int index;
    private final Archetype archetype;
    private final int timeZone;
    private final int zone;
    private final double speed;
    private final int[] favourites;
    /** When a lapsing user stops using the app; {@link #NEVER} for the others. */
    private final long lapseAt;
    /** When a newcomer registers; -1 for users who had registered before the trace. */
    private final long registerAt;
    private final boolean ordersAfterRegistering;
    private final int optOutDay;
    private final int optInDay;
    private final int profileChangeDay;
    private final String consentChannel;

    private boolean profileSent;
    private int sessions;
    private int orders;
    private int coupons;
    private int pushes;
    private List<CartLine> cart;
    private long cartSince;
    private String couponId;
    private long couponCents;
    private long busyUntil = Long.MIN_VALUE;

    private int day;
    private final DayPlan plan = new DayPlan();

    Shopper(int order, World world, int index, BufferGauge gauge) {
        super(order, "u-" + (index + 1), gauge);
        this.world = world;
        this.catalog = world.catalog;
        this.index = index;
        this.rng = new Rng(world.settings.seed(), World.STREAM_SHOPPER, index);
        this.archetype = Archetype.pick(rng);
        this.timeZone = TimeZones.pick(rng);
        this.zone = rng.below(catalog.zones);
        this.speed = rng.logNormal(1, 0.3);
        this.favourites = new int[3];
        for (int i = 0; i < favourites.length; i++) {
            favourites[i] = archetype == Archetype.LOYAL ? catalog.premiumMerchant(rng) : catalog.popularMerchant(rng);
        }
        int days = world.days;
        if (archetype == Archetype.LAPSING) {
            int activeDays = rng.between(1, Math.max(1, (int) Math.round(days * 0.6)));
            lapseAt = world.dayStart(activeDays) + rng.betweenMillis(0, Diurnal.DAY - 1);
        } else {
            lapseAt = NEVER;
        }
        if (archetype == Archetype.NEWCOMER) {
            int registerDay = rng.below(days);
            int offset = TimeZones.offsetSeconds(timeZone, world.dayStart(registerDay) + Diurnal.DAY / 2);
            registerAt = Diurnal.SHOPPING.sample(rng, world.dayStart(registerDay), offset);
            ordersAfterRegistering = rng.chance(0.55);
        } else {
            registerAt = -1;
            ordersAfterRegistering = true;
        }
        optOutDay = rng.chance(0.04) ? rng.below(days) : -1;
        optInDay = optOutDay >= 0 && rng.chance(0.2) ? optOutDay + rng.between(1, 5) : -1;
        profileChangeDay = rng.chance(0.03) ? rng.below(days) : -1;
        consentChannel = CONSENT_CHANNELS[rng.pick(CONSENT_SHARES)];
        planFrom(0);
    }

    // --- planning ------------------------------------------------------------------------------

    /** Plans the first day from {@code first} on that has any activity. */
    private void planFrom(int first) {
        for (day = first; day < world.days; day++) {
            planDay(day);
            if (plan.hasNext()) {
                nextActivityAt = plan.nextAt();
                return;
            }
        }
        nextActivityAt = NEVER;
    }

    private void planDay(int d) {
        plan.clear();
        long from = world.dayStart(d);
        long to = from + Diurnal.DAY;
        int offset = TimeZones.offsetSeconds(timeZone, from + Diurnal.DAY / 2);
        if (registerAt >= to) {
            return;
        }
        long activeFrom = registerAt >= from ? registerAt : from;
        if (registerAt >= from) {
            plan.add(registerAt, REGISTER, 0);
        }
        double rate = archetype.sessionsPerDay * (weekend(from, offset) ? 1.15 : 1.0);
        if (registerAt >= 0) {
            rate *= Math.pow(0.9, Math.max(0, (from - registerAt) / Diurnal.DAY));
        }
        int count = rng.poisson(rate);
        if (archetype == Archetype.LAPSING && d == 0 && count == 0) {
            count = 1; // a lapsing user was active before lapsing: seen at least once
        }
        for (int i = 0; i < count; i++) {
            long at = Diurnal.SHOPPING.sample(rng, from, offset);
            if (at > activeFrom && at < lapseAt) {
                plan.add(at, SESSION, 0);
            }
        }
        if (rng.chance(0.25)) {
            long at = Diurnal.atLocalTime(from, offset, (rng.chance(0.5) ? 11 : 17) * 3600L + rng.below(2400));
            if (at > activeFrom) {
                plan.add(at, PUSH, 0);
            }
        }
        addIf(d == optOutDay, from, offset, activeFrom, OPT_OUT);
        addIf(d == optInDay, from, offset, activeFrom, OPT_IN);
        addIf(d == profileChangeDay, from, offset, activeFrom, PROFILE_CHANGE);
        plan.sort();
    }

    private void addIf(boolean due, long from, int offset, long activeFrom, byte kind) {
        if (due) {
            long at = Diurnal.SHOPPING.sample(rng, from, offset);
            if (at > activeFrom && at < lapseAt) {
                plan.add(at, kind, 0);
            }
        }
    }

    private static boolean weekend(long from, int offset) {
        long localDay = Math.floorDiv(from + Diurnal.DAY / 2 + offset * 1000L, Diurnal.DAY);
        int dayOfWeek = (int) Math.floorMod(localDay + 3, 7); // 1970-01-01 was a Thursday: 0 = Monday
        return dayOfWeek >= 5;
    }



    @Override
    protected void expandNextActivity() {
        long at = plan.nextAt();
        byte kind = plan.nextKind();
        plan.advance();
        switch (kind) {
            case SESSION -> session(at, Page.HOME);
            case PUSH -> push(at);
            case REGISTER -> register(at);
            case OPT_OUT, OPT_IN -> emit(at, "consent_updated", null, new Fields()
                    .text("channel", consentChannel).bool("optedIn", kind == OPT_IN).build());
            default -> emit(at, "profile_updated", null, profileChange());
        }
        if (plan.hasNext()) {
            nextActivityAt = plan.nextAt();
        } else {
            planFrom(day + 1);
        }
    }

    // --- activities ----------------------------------------------------------------------------

    private void register(long at) {
        String channel = REGISTER_CHANNELS[rng.pick(REGISTER_SHARES)];
        emit(at, "register", nextSessionId(), new Fields().text("channel", channel).build());
        session(at + rng.betweenMillis(800, 4000), Page.HOME);
    }

    private void push(long at) {
        String messageId = "pm-" + userId + "-" + (++pushes);
        emit(at, "message_delivered", null, message(messageId));
        boolean lapsed = at >= lapseAt;
        if (!rng.chance(lapsed ? 0.08 : archetype.readPush)) {
            return;
        }
        long readAt = at + Math.clamp((long) rng.logNormal(12 * 60_000, 1.2), 5_000, 10 * Diurnal.HOUR);
        emit(readAt, "message_read", null, message(messageId));
        if (!lapsed && rng.chance(0.25)) {
            long clickAt = readAt + Math.clamp((long) rng.logNormal(8_000, 0.6), 1_000, 120_000);
            emit(clickAt, "message_clicked", null, message(messageId));
            if (clickAt > busyUntil) {
                session(clickAt + rng.betweenMillis(1_000, 4_000), Page.COUPON);
            }
        }
    }

    private static String message(String messageId) {
        return new Fields().text("messageId", messageId).build();
    }

    private String nextSessionId() {
        return "s-" + userId + "-" + (sessions + 1);
    }

    private void session(long at, Page landing) {
        if (at < busyUntil + 30_000) {
            at = busyUntil + 30_000 + rng.betweenMillis(0, 120_000);
        }
        String sid = nextSessionId();
        sessions++;
        emit(at, "app_open", sid, "");
        long t = at + rng.betweenMillis(300, 2_500);
        emit(t, "login", sid, "");
        if (!profileSent) {
            t += rng.betweenMillis(200, 900);
            emit(t, "profile_updated", sid, profile());
            profileSent = true;
        }
        if (cart != null && at - cartSince > Diurnal.DAY) {
            for (CartLine line : cart) { // the app drops a cart left for a day, line by line
                t += rng.betweenMillis(50, 300);
                emit(t, "cart_remove", sid, new Fields().text("itemId", catalog.itemId(line.merchant(), line.item())).build());
            }
            cart = null;
        }
        Page page = landing;
        int merchant = -1;
        int item = -1;
        String leaving = null;
        for (int p = 0; ; p++) {
            t += rng.betweenMillis(250, 1_500);
            switch (page) {
                case MERCHANT -> {
                    merchant = pickMerchant();
                    item = -1;
                }
                case PRODUCT -> {
                    merchant = merchant >= 0 ? merchant : pickMerchant();
                    item = rng.below(Catalog.ITEMS_PER_MERCHANT);
                }
                default -> item = -1;
            }
            String pageFields = pageFields(page, merchant, item);
            emit(t, "page_enter", sid, pageFields);
            long dwell = Math.clamp((long) rng.logNormal(page.medianSeconds * 1000 * speed, 0.6), 1_500, 600_000);
            boolean ordered = act(sid, page, merchant, item, t, dwell);
            t += dwell + (ordered ? 500 : 0);
            Page next = p + 1 >= MAX_PAGES ? null : PageFlow.next(page, cart != null, ordered, archetype, rng);
            if (next == null) {
                leaving = pageFields;
                break;
            }
            emit(t, "page_leave", sid, pageFields);
            page = next;
        }
        if (rng.chance(0.65)) {
            emit(t, "page_leave", sid, leaving);
            t += rng.betweenMillis(200, 800);
        }
        if (rng.chance(0.05)) {
            emit(t, "logout", sid, "");
            t += rng.betweenMillis(300, 1_200);
        }
        emit(t, "app_leave", sid, "");
        busyUntil = t;
    }

    /** What the user does on the page during {@code dwell}; true when an order was placed. */
    private boolean act(String sid, Page page, int merchant, int item, long enteredAt, long dwell) {
        switch (page) {
            case HOME -> {
                if (rng.chance(0.12)) {
                    emit(enteredAt + dwell * 6 / 10, "click", sid, new Fields().text("target", "banner").build());
                }
            }
            case PRODUCT -> {
                int lines = cart == null ? 0 : cart.size();
                if (lines < MAX_CART_LINES && rng.chance(archetype.addToCart)) {
                    long clickAt = enteredAt + dwell * 6 / 10;
                    emit(clickAt, "click", sid, new Fields().text("target", "add_to_cart")
                            .text("merchantId", catalog.merchantId(merchant)).text("itemId", catalog.itemId(merchant, item)).build());
                    addToCart(sid, enteredAt + dwell * 7 / 10, merchant, item);
                } else if (lines > 0 && rng.chance(0.05)) {
                    removeFromCart(sid, enteredAt + dwell / 2);
                }
            }
            case COUPON -> {
                if (couponId == null && rng.chance(0.55)) {
                    couponId = "cp-" + userId + "-" + (++coupons);
                    couponCents = 100L * rng.between(3, 20);
                    emit(enteredAt + dwell / 2, "click", sid, new Fields().text("target", "claim_coupon").build());
                }
            }
            case ORDER -> {
                if (cart != null && ordersAfterRegistering && rng.chance(archetype.placeOrder)) {
                    placeOrder(sid, enteredAt + dwell);
                    return true;
                }
                if (cart != null && rng.chance(0.1)) {
                    removeFromCart(sid, enteredAt + dwell / 2);
                }
            }
            default -> {
            }
        }
        return false;
    }

    private void addToCart(String sid, long at, int merchant, int item) {
        int quantity = rng.chance(0.75) ? 1 : rng.between(2, archetype == Archetype.LOYAL ? 4 : 3);
        long cents = catalog.priceCents(merchant, item);
        if (cart == null) {
            cart = new ArrayList<>(4);
            cartSince = at;
        }
        int existing = -1;
        for (int i = 0; i < cart.size(); i++) {
            existing = cart.get(i).merchant() == merchant && cart.get(i).item() == item ? i : existing;
        }
        if (existing >= 0) { // one line per item, as carts (and the state) keep them
            cart.set(existing, new CartLine(merchant, item, cents, cart.get(existing).quantity() + quantity));
        } else {
            cart.add(new CartLine(merchant, item, cents, quantity));
        }
        emit(at, "cart_add", sid, new Fields().text("itemId", catalog.itemId(merchant, item)).money("price", cents)
                .integer("quantity", quantity).text("merchantId", catalog.merchantId(merchant)).build());
    }

    /** Drops one line of the cart: all of it, or one unit when there are several. */
    private void removeFromCart(String sid, long at) {
        int i = rng.below(cart.size());
        CartLine line = cart.get(i);
        Fields fields = new Fields().text("itemId", catalog.itemId(line.merchant(), line.item()));
        if (line.quantity() > 1 && rng.chance(0.5)) {
            cart.set(i, new CartLine(line.merchant(), line.item(), line.cents(), line.quantity() - 1));
            fields.integer("quantity", 1);
        } else {
            cart.remove(i);
        }
        emit(at, "cart_remove", sid, fields.build());
        if (cart.isEmpty()) {
            cart = null;
        }
    }

    private void placeOrder(String sid, long at) {
        long amount = 0;
        for (CartLine line : cart) {
            amount += line.cents() * line.quantity();
        }
        String orderId = "o-" + userId + "-" + (++orders);
        emit(at - rng.betweenMillis(300, 900), "click", sid, new Fields().text("target", "place_order").build());
        Fields fields = new Fields().text("orderId", orderId).money("amount", amount);
        String usedCoupon = null;
        if (couponId != null && amount >= 2_000) {
            usedCoupon = couponId;
            fields.money("discount", Math.min(couponCents, amount * 3 / 10)).text("couponId", usedCoupon);
            couponId = null;
        }
        fields.text("merchantId", catalog.merchantId(cart.getFirst().merchant())).text("address", address());
        emit(at, "order_placed", sid, fields.build());
        if (usedCoupon != null) {
            emit(at + rng.betweenMillis(100, 400), "coupon_used", sid,
                    new Fields().text("couponId", usedCoupon).text("orderId", orderId).build());
        }
        if (rng.chance(0.97)) {
            long delivery = Math.clamp((long) rng.logNormal(35 * 60_000, 0.35), 12 * 60_000, 3 * Diurnal.HOUR);
            emit(at + delivery, "order_completed", null, new Fields().text("orderId", orderId).build());
        }
        cart = null;
    }

    private int pickMerchant() {
        return rng.chance(0.7) ? favourites[rng.below(favourites.length)] : catalog.popularMerchant(rng);
    }

    private String pageFields(Page page, int merchant, int item) {
        Fields fields = new Fields().text("page", page.wireName);
        if ((page == Page.MERCHANT || page == Page.PRODUCT) && merchant >= 0) {
            fields.text("merchantId", catalog.merchantId(merchant));
        }
        if (page == Page.PRODUCT) {
            fields.text("itemId", catalog.itemId(merchant, item));
        }
        return fields.build();
    }

    // --- profile -------------------------------------------------------------------------------

    private String profile() {
        Fields fields = new Fields().text("timezone", TimeZones.IDS[timeZone]).text("locale", TimeZones.LOCALES[timeZone])
                .text("zone", catalog.zoneId(zone));
        if (rng.chance(0.75)) {
            fields.text("phone", String.format("+8613800%06d", index % 1_000_000));
        }
        if (rng.chance(0.55)) {
            fields.text("email", userId + "@example.com");
        }
        if (rng.chance(0.2)) {
            fields.text("wecomId", "wm-" + userId);
        }
        if (rng.chance(0.6)) {
            fields.text("pushEndpoint", "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/winback-demo/" + userId);
        }
        return fields.build();
    }

    private String profileChange() {
        return rng.chance(0.5)
                ? new Fields().text("zone", catalog.zoneId(rng.below(catalog.zones))).build()
                : new Fields().text("email", userId + ".new@example.com").build();
    }

    private String address() {
        int building = index % 300 + 1;
        int room = index / 300 % 40 + 1;
        return "Room " + room + ", " + building + " Example Road, "
                + ADDRESS_DISTRICTS[index % ADDRESS_DISTRICTS.length] + ", Shanghai";
    }
}
