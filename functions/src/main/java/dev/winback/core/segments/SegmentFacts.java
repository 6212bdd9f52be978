package dev.winback.core.segments;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a custom segment expression (C2) can see of one user: the variables below, with their CEL
 * types. Counts are CEL {@code int}, money is {@code double} (compare with {@code 100} or
 * {@code 100.0}: mixed int/double comparisons are allowed), day counts are whole days in the
 * policy's time zone up to the user's newest event, and -1 when the thing never happened.
 *
 * <table>
 * <caption>variables</caption>
 * <tr><td>orders</td><td>int</td><td>orders ever placed</td></tr>
 * <tr><td>ordersCompleted</td><td>int</td><td>orders ever completed</td></tr>
 * <tr><td>couponsUsed</td><td>int</td><td>coupons ever used</td></tr>
 * <tr><td>spend</td><td>double</td><td>order amounts ever</td></tr>
 * <tr><td>spend90d</td><td>double</td><td>order amounts in the last 90 days</td></tr>
 * <tr><td>orders30d</td><td>int</td><td>orders in the last 30 days</td></tr>
 * <tr><td>cartValue</td><td>double</td><td>current cart value</td></tr>
 * <tr><td>cartItems</td><td>int</td><td>items in the cart (sum of quantities)</td></tr>
 * <tr><td>loginsInWindow</td><td>int</td><td>logins in the dormancy window (B1)</td></tr>
 * <tr><td>registeredDaysAgo</td><td>int</td><td>days since registration, -1 if never seen</td></tr>
 * <tr><td>daysSinceLastOrder</td><td>int</td><td>days since the last order, -1 if none</td></tr>
 * <tr><td>daysSinceLastLogin</td><td>int</td><td>days since the last login, -1 if none</td></tr>
 * <tr><td>pagesViewed</td><td>int</td><td>pages entered in the current session</td></tr>
 * <tr><td>leftApp</td><td>bool</td><td>the current session ended with app_leave</td></tr>
 * <tr><td>tags</td><td>list(string)</td><td>the built-in tags the user has now</td></tr>
 * <tr><td>profile</td><td>map(string, dyn)</td><td>profile fields as sent in profile_updated</td></tr>
 * <tr><td>consent</td><td>map(string, bool)</td><td>channel → opted in, for channels the user set</td></tr>
 * </table>
 */
public record SegmentFacts(long orders, long ordersCompleted, long couponsUsed, double spend, double spend90d,
                           long orders30d, double cartValue, long cartItems, long loginsInWindow,
                           long registeredDaysAgo, long daysSinceLastOrder, long daysSinceLastLogin,
                           long pagesViewed, boolean leftApp, List<String> tags, Map<String, Object> profile,
                           Map<String, Boolean> consent) {

    /** Every variable an expression may use, with its CEL type, in the order documented above. */
    public static final Map<String, CelType> VARIABLES = variables();

    private static Map<String, CelType> variables() {
        Map<String, CelType> v = new LinkedHashMap<>();
        for (String name : List.of("orders", "ordersCompleted", "couponsUsed")) {
            v.put(name, SimpleType.INT);
        }
        v.put("spend", SimpleType.DOUBLE);
        v.put("spend90d", SimpleType.DOUBLE);
        v.put("orders30d", SimpleType.INT);
        v.put("cartValue", SimpleType.DOUBLE);
        for (String name : List.of("cartItems", "loginsInWindow", "registeredDaysAgo", "daysSinceLastOrder",
                "daysSinceLastLogin", "pagesViewed")) {
            v.put(name, SimpleType.INT);
        }
        v.put("leftApp", SimpleType.BOOL);
        v.put("tags", ListType.create(SimpleType.STRING));
        v.put("profile", MapType.create(SimpleType.STRING, SimpleType.DYN));
        v.put("consent", MapType.create(SimpleType.STRING, SimpleType.BOOL));
        return Collections.unmodifiableMap(v);
    }

    /**
     * The value of one variable as CEL wants it (Long, Double, Boolean, List, Map), or null for a
     * name that is not a variable. {@code profile} is converted on each call: call it once per
     * evaluation.
     */
    public Object value(String name) {
        return switch (name) {
            case "orders" -> orders;
            case "ordersCompleted" -> ordersCompleted;
            case "couponsUsed" -> couponsUsed;
            case "spend" -> spend;
            case "spend90d" -> spend90d;
            case "orders30d" -> orders30d;
            case "cartValue" -> cartValue;
            case "cartItems" -> cartItems;
            case "loginsInWindow" -> loginsInWindow;
            case "registeredDaysAgo" -> registeredDaysAgo;
            case "daysSinceLastOrder" -> daysSinceLastOrder;
            case "daysSinceLastLogin" -> daysSinceLastLogin;
            case "pagesViewed" -> pagesViewed;
            case "leftApp" -> leftApp;
            case "tags" -> tags;
            case "profile" -> celMap(profile);
            case "consent" -> consent;
            default -> null;
        };
    }

    /**
     * Profile values arrive as JSON gave them (Integer, BigDecimal, nested lists and maps); CEL's
     * runtime knows only Long, Double, Boolean, String, List and Map, so numbers are widened.
     */
    private static Map<String, Object> celMap(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        map.forEach((key, value) -> {
            if (value != null) {
                out.put(String.valueOf(key), celValue(value));
            }
        });
        return out;
    }

    private static Object celValue(Object value) {
        return switch (value) {
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger big -> big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
            case BigDecimal dec -> dec.doubleValue();
            case Number n -> n.doubleValue();
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (Object item : list) {
                    if (item != null) {
                        out.add(celValue(item));
                    }
                }
                yield out;
            }
            case Map<?, ?> map -> celMap(map);
            default -> value.toString();
        };
    }
}
