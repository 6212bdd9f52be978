package dev.winback.it.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Records every DynamoDB request a client sends, as the item-level actions IAM authorizes: a
 * TransactWriteItems is its puts and deletes ({@code PutItem}, {@code DeleteItem}), a BatchGetItem one
 * {@code BatchGetItem} per key. Tests count requests (the read cost of an index) and check each action
 * against the function's role in template.yaml ({@link TemplateRoles}).
 */
public final class DynamoCalls implements ExecutionInterceptor {

    /** One action on one item (or partition, for a Query): its table and partition key. */
    public record Call(String operation, String table, String partitionKey) {
    }

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        requests.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        switch (context.request()) {
            case QueryRequest q -> calls.add(new Call("Query", q.tableName(), q.expressionAttributeValues().get(":pk").s()));
            case GetItemRequest g -> calls.add(new Call("GetItem", g.tableName(), pk(g.key())));
            case PutItemRequest p -> calls.add(new Call("PutItem", p.tableName(), pk(p.item())));
            case UpdateItemRequest u -> calls.add(new Call("UpdateItem", u.tableName(), pk(u.key())));
            case DeleteItemRequest d -> calls.add(new Call("DeleteItem", d.tableName(), pk(d.key())));
            case BatchGetItemRequest b -> b.requestItems().forEach((table, keys) ->
                    keys.keys().forEach(key -> calls.add(new Call("BatchGetItem", table, pk(key)))));
            case TransactWriteItemsRequest t -> {
                for (TransactWriteItem item : t.transactItems()) {
                    if (item.put() != null) {
                        calls.add(new Call("PutItem", item.put().tableName(), pk(item.put().item())));
                    } else if (item.delete() != null) {
                        calls.add(new Call("DeleteItem", item.delete().tableName(), pk(item.delete().key())));
                    } else if (item.update() != null) {
                        calls.add(new Call("UpdateItem", item.update().tableName(), pk(item.update().key())));
                    } else if (item.conditionCheck() != null) {
                        calls.add(new Call("ConditionCheckItem", item.conditionCheck().tableName(),
                                pk(item.conditionCheck().key())));
                    }
                }
            }
            default -> calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), "", ""));
        }
    }

    private static String pk(Map<String, AttributeValue> key) {
        AttributeValue pk = key.get("pk");
        return pk == null ? "" : pk.s();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Requests sent, by operation name (a TransactWriteItems counts once). */
    public Map<String, Long> requests() {
        Map<String, Long> counts = new TreeMap<>();
        List.copyOf(requests).forEach(op -> counts.merge(op, 1L, Long::sum));
        return counts;
    }

    public void clear() {
        calls.clear();
        requests.clear();
    }
}
