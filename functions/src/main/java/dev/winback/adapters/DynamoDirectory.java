package dev.winback.adapters;

import dev.winback.core.geo.Campaign;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.DirectoryIndex;
import dev.winback.core.geo.Role;
import dev.winback.core.geo.TargetEngagement;
import dev.winback.core.ingest.StoreUnavailableException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The directory in DynamoDB ({@code docs/geo-index.md}). In the directory table:
 * <ul>
 *   <li>the <b>entry</b> of a user: {@code pk = user#<id>}, {@code sk = entry}, every D1 field as its own
 *       attribute (readable in the console), {@code ver} (optimistic lock), {@code hw} (the highest
 *       behavior-stream sequence number folded in) and {@code updatedAt};</li>
 *   <li>one <b>placement</b> per category the user trades: {@code pk = role#category#cell} (H3 resolution
 *       6), {@code sk = <userId>}, projecting what planning reads — {@code lat}, {@code lon},
 *       {@code verified}, {@code materials}, {@code features}, {@code tradeFrequency},
 *       {@code messageSensitivity}, {@code lastDealAt}, {@code conversionRate} and whether a phone and a
 *       WeChat openid are on file ({@code hasPhone}, {@code hasWechat}) — never a name or a number.</li>
 * </ul>
 * In the ledger table, each target's <b>engagement</b>: {@code pk = campaign#<id>}, {@code sk = target#<userId>},
 * {@code sentAt}, {@code readAt}, {@code clickedAt}, {@code transactedAt}, {@code ver}, kept 400 days (TTL).
 *
 * <p><b>Writes</b>: one TransactWriteItems per change — the entry on condition of its version, the
 * placements of keys it left deleted, those whose projection changed put, and the engagements of the
 * change on condition of theirs — so a reader never sees an entry and its placements disagree for
 * long, and a conflict writes nothing. A change that touches the entry alone is a conditional PutItem
 * (half the write cost of a transaction). <b>Reads</b>: BatchGetItem (strongly consistent) for entries
 * and engagements; a campaign's candidates are one paginated Query per index key, eventually
 * consistent, {@code queryParallelism} at a time, results in the keys' order.
 */
public final class DynamoDirectory implements Directory {

    static final String ENTRY = "entry";
    static final String TARGET = "target#";
    /** Engagements are kept as long as decisions, for reports a year back. */
    static final Duration KEEP_ENGAGEMENTS = Duration.ofDays(400);
    private static final int MAX_KEYS_PER_BATCH_GET = 100;
    private static final int MAX_UNPROCESSED_ROUNDS = 6;
    private static final Set<String> CONFLICTS = Set.of("ConditionalCheckFailed", "TransactionConflict");

    private final DynamoDbClient dynamo;
    private final String table;
    private final String ledgerTable;
    private final int queryParallelism;
    private final java.time.Clock clock;

    /**
     * @param ledgerTable      where engagements live; null for a writer of entries only (an import)
     * @param queryParallelism index keys read at once by {@link #candidates}
     */
    public DynamoDirectory(DynamoDbClient dynamo, String table, String ledgerTable, int queryParallelism,
                           java.time.Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.ledgerTable = ledgerTable;
        this.queryParallelism = Math.max(1, queryParallelism);
        this.clock = clock;
    }

    public DynamoDirectory(DynamoDbClient dynamo, String table, String ledgerTable) {
        this(dynamo, table, ledgerTable, 16, java.time.Clock.systemUTC());
    }

    // ------------------------------------------------------------------------------------- reads

    @Override
    public Map<String, Stored> load(Collection<String> userIds) {
        Map<String, Stored> found = new HashMap<>();
        List<Map<String, AttributeValue>> keys = new HashSet<>(userIds).stream().map(DynamoDirectory::entryKey).toList();
        batchGet(table, keys, item -> found.put(item.get("userId").s(), storedEntry(item)));
        return found;
    }

    @Override
    public Map<EngagementKey, StoredEngagement> engagements(Collection<EngagementKey> keys) {
        Map<EngagementKey, StoredEngagement> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        requireLedger();
        List<Map<String, AttributeValue>> itemKeys = new HashSet<>(keys).stream()
                .map(k -> engagementKey(k.campaignId(), k.userId())).toList();
        batchGet(ledgerTable, itemKeys, item -> {
            TargetEngagement e = engagement(item);
            found.put(EngagementKey.of(e), new StoredEngagement(e, Long.parseLong(item.get("ver").n())));
        });
        return found;
    }

    private void batchGet(String tableName, List<Map<String, AttributeValue>> keys,
                          java.util.function.Consumer<Map<String, AttributeValue>> each) {
        for (int from = 0; from < keys.size(); from += MAX_KEYS_PER_BATCH_GET) {
            Map<String, KeysAndAttributes> request = Map.of(tableName, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_PER_BATCH_GET))).consistentRead(true).build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round == MAX_UNPROCESSED_ROUNDS) {
                    throw new StoreUnavailableException("DynamoDB left keys unprocessed after " + round + " rounds", null);
                }
                if (round > 0) {
                    LedgerRetry.backoff(round - 1);
                }
                BatchGetItemResponse response;
                try {
                    Map<String, KeysAndAttributes> asked = request;
                    response = dynamo.batchGetItem(b -> b.requestItems(asked));
                } catch (SdkException e) {
                    throw new StoreUnavailableException("DynamoDB BatchGetItem on " + tableName + " failed: " + e.getMessage(), e);
                }
                response.responses().getOrDefault(tableName, List.of()).forEach(each);
                request = response.unprocessedKeys();
            }
        }
    }

    @Override
    public List<DirectoryEntry> candidates(Campaign campaign) {
        List<String> keys = DirectoryIndex.keysFor(campaign);
        List<Future<List<DirectoryEntry>>> reads = new ArrayList<>(keys.size());
        Semaphore permits = new Semaphore(queryParallelism);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String key : keys) {
                reads.add(executor.submit(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        return placed(key);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<DirectoryEntry> found = new ArrayList<>();
            for (Future<List<DirectoryEntry>> read : reads) {
                found.addAll(read.get());
            }
            return found;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw new StoreUnavailableException("DynamoDB Query on the directory index failed: " + sdk.getMessage(), sdk);
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while reading the directory index", e);
        }
    }

    /** The entries placed under one index key, in user-id order. */
    private List<DirectoryEntry> placed(String key) {
        List<DirectoryEntry> entries = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(key))))
                .items().forEach(item -> entries.add(fromPlacement(key, item)));
        return entries;
    }

    // ------------------------------------------------------------------------------------ writes

    @Override
    public SaveOutcome save(Change change) {
        DirectoryEntry next = change.next();
        long version = change.previous() == null ? 0 : change.previous().version();
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(versioned(table, entryItem(next, version + 1, change.highWater()),
                version)).build());
        Map<String, Map<String, AttributeValue>> before = placements(change.previous() == null ? null : change.previous().entry());
        Map<String, Map<String, AttributeValue>> after = placements(next);
        for (String key : before.keySet()) {
            if (!after.containsKey(key)) {
                writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                        .key(Map.of("pk", AttributeValue.fromS(key), "sk", AttributeValue.fromS(next.userId()))).build()).build());
            }
        }
        after.forEach((key, item) -> {
            if (!item.equals(before.get(key))) {
                writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build());
            }
        });
        for (EngagementChange e : change.engagements()) {
            requireLedger();
            long was = e.previous() == null ? 0 : e.previous().version();
            writes.add(TransactWriteItem.builder().put(versioned(ledgerTable, engagementItem(e.next(), was + 1), was)).build());
        }
        if (writes.size() > 100) {
            throw new IllegalArgumentException("a directory change of " + writes.size() + " items is more than one "
                    + "DynamoDB transaction takes (100)");
        }
        try {
            if (writes.size() == 1) {
                Put put = writes.get(0).put();
                dynamo.putItem(b -> b.tableName(put.tableName()).item(put.item()).conditionExpression(put.conditionExpression())
                        .expressionAttributeValues(put.expressionAttributeValues().isEmpty() ? null : put.expressionAttributeValues()));
            } else {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
            }
            return SaveOutcome.SAVED;
        } catch (ConditionalCheckFailedException e) {
            return SaveOutcome.CONFLICT;
        } catch (TransactionCanceledException e) {
            List<String> codes = e.cancellationReasons().stream().map(CancellationReason::code)
                    .filter(code -> code != null && !code.equals("None")).toList();
            if (!codes.isEmpty() && CONFLICTS.containsAll(codes)) {
                return SaveOutcome.CONFLICT;
            }
            throw new StoreUnavailableException("DynamoDB cancelled a directory write: " + codes, e);
        } catch (SdkException e) {
            throw new StoreUnavailableException("DynamoDB directory write failed: " + e.getMessage(), e);
        }
    }

    private static Put versioned(String tableName, Map<String, AttributeValue> item, long version) {
        Put.Builder put = Put.builder().tableName(tableName).item(item);
        if (version == 0) {
            put.conditionExpression("attribute_not_exists(pk)");
        } else {
            put.conditionExpression("ver = :ver").expressionAttributeValues(Map.of(":ver", number(version)));
        }
        return put.build();
    }

    private void requireLedger() {
        if (ledgerTable == null) {
            throw new IllegalStateException("this directory was set up without the ledger table, where engagements live");
        }
    }

    // ----------------------------------------------------------------------------------- codecs

    static Map<String, AttributeValue> entryKey(String userId) {
        return Map.of("pk", AttributeValue.fromS("user#" + userId), "sk", AttributeValue.fromS(ENTRY));
    }

    static Map<String, AttributeValue> engagementKey(String campaignId, String userId) {
        return Map.of("pk", AttributeValue.fromS("campaign#" + campaignId), "sk", AttributeValue.fromS(TARGET + userId));
    }

    private Map<String, AttributeValue> entryItem(DirectoryEntry e, long version, String highWater) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(entryKey(e.userId()));
        item.put("userId", AttributeValue.fromS(e.userId()));
        item.put("ver", number(version));
        putText(item, "hw", highWater);
        putText(item, "name", e.name());
        putText(item, "phone", e.phone());
        putText(item, "wechatOpenId", e.wechatOpenId());
        if (e.hasLocation()) {
            item.put("lat", number(e.lat()));
            item.put("lon", number(e.lon()));
        }
        putText(item, "businessNature", e.businessNature());
        putText(item, "role", e.role() == null ? null : e.role().wireName());
        item.put("verified", AttributeValue.fromBool(e.verified()));
        item.put("categories", texts(e.categories()));
        item.put("materials", texts(e.materials()));
        item.put("features", featureMap(e.features()));
        Map<String, AttributeValue> preferences = new LinkedHashMap<>();
        e.preferences().forEach((k, v) -> preferences.put(k, AttributeValue.fromS(v)));
        item.put("preferences", AttributeValue.fromM(preferences));
        item.put("tradeFrequency", number(e.tradeFrequency()));
        item.put("messageSensitivity", number(e.messageSensitivity()));
        putText(item, "lastDealAt", e.lastDealAt() == null ? null : e.lastDealAt().toString());
        item.put("conversionRate", number(e.conversionRate()));
        item.put("messagesReceived", number(e.messagesReceived()));
        item.put("campaignTransactions", number(e.campaignTransactions()));
        item.put("updatedAt", AttributeValue.fromS(clock.instant().toString()));
        return item;
    }

    static Stored storedEntry(Map<String, AttributeValue> item) {
        Map<String, String> preferences = new LinkedHashMap<>();
        if (item.containsKey("preferences")) {
            item.get("preferences").m().forEach((k, v) -> preferences.put(k, v.s()));
        }
        DirectoryEntry entry = new DirectoryEntry(item.get("userId").s(), text(item, "name"), text(item, "phone"),
                text(item, "wechatOpenId"), decimal(item, "lat", Double.NaN), decimal(item, "lon", Double.NaN),
                text(item, "businessNature"), Role.parse(text(item, "role")), bool(item, "verified"),
                texts(item, "categories"), texts(item, "materials"), features(item), preferences,
                decimal(item, "tradeFrequency", 0), decimal(item, "messageSensitivity", DirectoryEntry.NEUTRAL_SENSITIVITY),
                instant(item, "lastDealAt"), decimal(item, "conversionRate", 0),
                (int) decimal(item, "messagesReceived", 0), (int) decimal(item, "campaignTransactions", 0));
        return new Stored(entry, Long.parseLong(item.get("ver").n()), text(item, "hw"));
    }

    /** The placement items of an entry, by index key (none while it is not listable). */
    static Map<String, Map<String, AttributeValue>> placements(DirectoryEntry e) {
        Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        if (e == null) {
            return items;
        }
        for (String key : DirectoryIndex.keysOf(e)) {
            Map<String, AttributeValue> item = new LinkedHashMap<>();
            item.put("pk", AttributeValue.fromS(key));
            item.put("sk", AttributeValue.fromS(e.userId()));
            item.put("lat", number(e.lat()));
            item.put("lon", number(e.lon()));
            item.put("verified", AttributeValue.fromBool(e.verified()));
            item.put("materials", texts(e.materials()));
            item.put("features", featureMap(e.features()));
            item.put("tradeFrequency", number(e.tradeFrequency()));
            item.put("messageSensitivity", number(e.messageSensitivity()));
            putText(item, "lastDealAt", e.lastDealAt() == null ? null : e.lastDealAt().toString());
            item.put("conversionRate", number(e.conversionRate()));
            item.put("hasPhone", AttributeValue.fromBool(e.phone() != null));
            item.put("hasWechat", AttributeValue.fromBool(e.wechatOpenId() != null));
            items.put(key, item);
        }
        return items;
    }

    /**
     * The entry a placement stands for in planning: role and category from its key, the projected
     * fields; no name and no contacts (an address's presence only).
     */
    static DirectoryEntry fromPlacement(String key, Map<String, AttributeValue> item) {
        int first = key.indexOf('#');
        int last = key.lastIndexOf('#');
        Role role = Role.parse(key.substring(0, first));
        String category = key.substring(first + 1, last);
        return new DirectoryEntry(item.get("sk").s(), null, null, null, decimal(item, "lat", Double.NaN),
                decimal(item, "lon", Double.NaN), null, role, bool(item, "verified"), List.of(category),
                texts(item, "materials"), features(item), Map.of(), decimal(item, "tradeFrequency", 0),
                decimal(item, "messageSensitivity", DirectoryEntry.NEUTRAL_SENSITIVITY), instant(item, "lastDealAt"),
                decimal(item, "conversionRate", 0), 0, 0);
    }

    private Map<String, AttributeValue> engagementItem(TargetEngagement e, long version) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(engagementKey(e.campaignId(), e.userId()));
        item.put("campaignId", AttributeValue.fromS(e.campaignId()));
        item.put("userId", AttributeValue.fromS(e.userId()));
        item.put("ver", number(version));
        putText(item, "sentAt", e.sentAt() == null ? null : e.sentAt().toString());
        putText(item, "readAt", e.readAt() == null ? null : e.readAt().toString());
        putText(item, "clickedAt", e.clickedAt() == null ? null : e.clickedAt().toString());
        putText(item, "transactedAt", e.transactedAt() == null ? null : e.transactedAt().toString());
        item.put("expiresAt", number(clock.instant().plus(KEEP_ENGAGEMENTS).getEpochSecond()));
        return item;
    }

    static TargetEngagement engagement(Map<String, AttributeValue> item) {
        return new TargetEngagement(item.get("campaignId").s(), item.get("userId").s(), instant(item, "sentAt"),
                instant(item, "readAt"), instant(item, "clickedAt"), instant(item, "transactedAt"));
    }

    private static AttributeValue number(double value) {
        return AttributeValue.fromN(BigDecimal.valueOf(value).toPlainString());
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeValue texts(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    private static AttributeValue featureMap(Map<String, Double> features) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        features.forEach((k, v) -> map.put(k, number(v)));
        return AttributeValue.fromM(map);
    }

    private static void putText(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static double decimal(Map<String, AttributeValue> item, String name, double absent) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? absent : Double.parseDouble(value.n());
    }

    private static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    private static List<String> texts(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || !value.hasL() ? List.of() : value.l().stream().map(AttributeValue::s).toList();
    }

    private static Map<String, Double> features(Map<String, AttributeValue> item) {
        AttributeValue value = item.get("features");
        if (value == null || !value.hasM()) {
            return Map.of();
        }
        Map<String, Double> features = new LinkedHashMap<>();
        value.m().forEach((k, v) -> features.put(k, Double.parseDouble(v.n())));
        return features;
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String text = text(item, name);
        return text == null ? null : Instant.parse(text);
    }
}
