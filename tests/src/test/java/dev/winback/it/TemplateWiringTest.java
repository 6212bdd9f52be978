package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.handlers.Wiring;
import dev.winback.it.support.RepoRoot;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml and the code agree: every function's handler class exists, and the environment the
 * template gives each function is enough for that function's wiring (a missing variable would only
 * show on the first invocation in AWS).
 */
class TemplateWiringTest {

    private static JsonNode template;
    private static JsonNode resources;

    @BeforeAll
    static void readTemplate() throws IOException {
        // CloudFormation's short-form tags (!Ref, !Sub, …) parse as plain values here, which is all we need.
        template = new ObjectMapper(new YAMLFactory()).readTree(RepoRoot.get().resolve("template.yaml").toFile());
        resources = template.get("Resources");
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @Test
    void everyFunctionsHandlerExists() throws Exception {
        int functions = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
            JsonNode resource = it.next().getValue();
            if ("AWS::Serverless::Function".equals(resource.path("Type").asText())) {
                String handler = resource.path("Properties").path("Handler").asText();
                Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
                assertThat(type.getMethods()).extracting(java.lang.reflect.Method::getName).contains("handleRequest");
                functions++;
            }
        }
        assertThat(functions).isGreaterThanOrEqualTo(5);
    }

    @Test
    void ingestFunctionsEnvironmentWiresIt() {
        wires("IngestFunction", Wiring::streamIngest);
    }

    @Test
    void deadlineCheckFunctionsEnvironmentWiresIt() {
        wires("DeadlineCheckFunction", wiring -> {
            wiring.deadlineCheck();
            wiring.scenarioCheck();
            wiring.journeyCheck();
        });
    }

    @Test
    void dormantScanFunctionsEnvironmentWiresIt() {
        wires("DormantScanFunction", Wiring::shardTasks);
    }

    @Test
    void dormantShardFunctionsEnvironmentWiresIt() {
        wires("DormantShardFunction", Wiring::dormantReminders);
    }

    @Test
    void segmentChangesFunctionsEnvironmentWiresIt() {
        wires("SegmentChangesFunction", Wiring::segmentFeed);
    }

    @Test
    void conversionFunctionsEnvironmentWiresIt() {
        wires("ConversionFunction", Wiring::conversionConsumer);
    }

    /** Only orders invoke ConversionFunction: its mapping filters on the record's type (C7). */
    @Test
    void conversionFunctionsMappingLetsOnlyOrdersThrough() throws IOException {
        JsonNode orders = resources.at("/ConversionFunction/Properties/Events/Orders/Properties");
        assertThat(orders.path("Stream").asText()).isEqualTo("BehaviorStream.Arn");
        JsonNode filters = orders.at("/FilterCriteria/Filters");
        assertThat(filters.size()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(filters.get(0).path("Pattern").asText()))
                .isEqualTo(new ObjectMapper().readTree("{\"data\": {\"type\": [\"order_placed\"]}}"));
        assertThat(orders.path("BisectBatchOnFunctionError").asBoolean()).isTrue();
        assertThat(orders.path("MaximumRetryAttempts").asInt()).isBetween(1, 10);
        assertThat(orders.path("FunctionResponseTypes").toString()).contains("ReportBatchItemFailures");
        assertThat(orders.at("/DestinationConfig/OnFailure/Destination").asText()).isEqualTo("ConversionFailureQueue.Arn");
    }

    /**
     * DailyCouponBudget reaches every function (Globals) as COUPON_DAILY_BUDGET and replaces the policy's
     * recall.coupon.dailyBudget; empty keeps the policy's. What the parameter's pattern lets through, the
     * wiring accepts; what the wiring refuses, the pattern stops before a deployment starts.
     */
    @Test
    void dailyCouponBudgetParameterReplacesThePolicysBudget() {
        assertThat(template.at("/Globals/Function/Environment/Variables/COUPON_DAILY_BUDGET").asText()).isEqualTo("DailyCouponBudget");
        JsonNode parameter = template.at("/Parameters/DailyCouponBudget");
        assertThat(parameter.path("Default").asText()).isEmpty();
        Pattern allowed = Pattern.compile(parameter.path("AllowedPattern").asText());
        BigDecimal packaged = PolicyLoader.defaults().recall().coupon().dailyBudget();

        assertThat(Wiring.policyFrom(Map.of("COUPON_DAILY_BUDGET", "")::get).recall().coupon().dailyBudget()).isEqualTo(packaged);
        assertThat(Wiring.policyFrom(name -> null).recall().coupon().dailyBudget()).isEqualTo(packaged);
        for (String amount : List.of("0", "250", "2500.50", "999999999999.99")) {
            assertThat(allowed.matcher(amount).matches()).as(amount).isTrue();
            Policy policy = Wiring.policyFrom(Map.of("COUPON_DAILY_BUDGET", amount, "POLICY_TIME_ZONE", "Europe/Berlin")::get);
            assertThat(policy.recall().coupon().dailyBudget()).isEqualTo(new BigDecimal(amount));
            assertThat(policy.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
            assertThat(policy.recall().coupon().max()).isEqualTo(PolicyLoader.defaults().recall().coupon().max());
        }
        for (String wrong : List.of("-1", "abc", "2,500", "12.5.0")) {
            assertThat(allowed.matcher(wrong).matches()).as(wrong).isFalse();
            assertThatThrownBy(() -> Wiring.policyFrom(Map.of("COUPON_DAILY_BUDGET", wrong)::get))
                    .hasMessageContaining("COUPON_DAILY_BUDGET").hasMessageContaining(wrong);
        }
        assertThat(allowed.matcher("1e3").matches()).as("exponent notation").isFalse();
    }

    @Test
    void directoryFunctionsEnvironmentWiresIt() {
        wires("DirectoryFunction", Wiring::directoryConsumer);
    }

    @Test
    void campaignFunctionsEnvironmentWiresIt() {
        wires("CampaignFunction", Wiring::siteCampaignRequests);
    }

    @Test
    void campaignSendFunctionsEnvironmentWiresIt() {
        wires("CampaignSendFunction", wiring -> {
            wiring.campaignSender();
            wiring.campaignQueue();
        });
    }

    @Test
    void importFunctionsEnvironmentWiresIt() {
        wires("ImportFunction", wiring -> {
            wiring.directoryWriter();
            wiring.s3();
        });
    }

    /** DirectoryFunction's mapping passes profiles and the three kinds of campaign feedback, nothing else (D1, D7). */
    @Test
    void directoryFunctionsMappingLetsProfilesAndFeedbackThrough() throws IOException {
        JsonNode records = resources.at("/DirectoryFunction/Properties/Events/DirectoryRecords/Properties");
        assertThat(records.path("Stream").asText()).isEqualTo("BehaviorStream.Arn");
        assertThat(new ObjectMapper().readTree(records.at("/FilterCriteria/Filters/0/Pattern").asText()))
                .isEqualTo(new ObjectMapper().readTree(
                        "{\"data\": {\"type\": [\"profile_updated\", \"message_read\", \"message_clicked\", \"transaction\"]}}"));
        assertThat(records.path("FunctionResponseTypes").toString()).contains("ReportBatchItemFailures");
        assertThat(records.at("/DestinationConfig/OnFailure/Destination").asText()).isEqualTo("DirectoryFailureQueue.Arn");
    }

    /** CampaignFunction's three doors (D2): the EventBridge rule, an IAM-authorized URL, and site_campaign records. */
    @Test
    void campaignFunctionsDoorsAreTheDocumentedOnes() throws IOException {
        JsonNode function = resources.at("/CampaignFunction/Properties");
        JsonNode rule = function.at("/Events/LaunchEvents");
        assertThat(rule.path("Type").asText()).isEqualTo("EventBridgeRule");
        assertThat(rule.at("/Properties/Pattern/source").toString()).isEqualTo("[\"winback.campaigns\"]");
        assertThat(rule.at("/Properties/Pattern/detail-type").toString()).isEqualTo("[\"site_campaign\"]");
        assertThat(function.at("/FunctionUrlConfig/AuthType").asText()).isEqualTo("AWS_IAM");
        JsonNode records = function.at("/Events/LaunchRecords/Properties");
        assertThat(new ObjectMapper().readTree(records.at("/FilterCriteria/Filters/0/Pattern").asText()))
                .isEqualTo(new ObjectMapper().readTree("{\"data\": {\"type\": [\"site_campaign\"]}}"));
        assertThat(function.at("/EventInvokeConfig/DestinationConfig/OnFailure/Destination").asText())
                .isEqualTo("CampaignLaunchFailureQueue.Arn");
        JsonNode sends = resources.at("/CampaignSendFunction/Properties/Events/SendTasks/Properties");
        assertThat(sends.path("Queue").asText()).isEqualTo("CampaignSendQueue.Arn");
        assertThat(sends.path("FunctionResponseTypes").toString()).contains("ReportBatchItemFailures");
        assertThat(resources.at("/CampaignSendQueue/Properties/RedrivePolicy/deadLetterTargetArn").asText())
                .isEqualTo("CampaignSendDeadLetterQueue.Arn");
    }

    /** Builds the function's collaborators from the names its template environment defines (values made up). */
    private static void wires(String function, Consumer<Wiring> build) {
        JsonNode variables = resources.path(function).path("Properties").path("Environment").path("Variables");
        assertThat(variables.isObject()).as(function + " has an environment").isTrue();
        Map<String, String> environment = new HashMap<>();
        variables.fieldNames().forEachRemaining(name -> environment.put(name, "placeholder-" + name));
        environment.put("WECOM_SECRET_ID", "winback/wecom"); // optional parameters, set as an operator would
        environment.put("EMAIL_FROM", "reminders@example.com");
        environment.put("SMS_SENDER_ID", "Winback");
        environment.put("WECHAT_SECRET_ID", "winback/wechat-official");
        Wiring wiring = new Wiring(PolicyLoader.defaults(), environment::get);
        assertThatCode(() -> build.accept(wiring)).as(function + "'s environment in template.yaml").doesNotThrowAnyException();
    }
}
