package dev.winback.local.stack;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;

/**
 * The functions' CloudWatch metrics (Powertools EMF) dropped while the local stack runs: outside Lambda
 * they would go to a CloudWatch agent that is not there, and they read their namespace from the process
 * environment, which one JVM running every function cannot set per function. The line per batch the
 * stack prints says what the metrics would have counted.
 */
final class QuietMetrics {

    private QuietMetrics() {
    }

    static void install() {
        InvocationHandler nothing = (proxy, method, args) ->
                method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : null;
        Metrics quiet = (Metrics) Proxy.newProxyInstance(Metrics.class.getClassLoader(), new Class<?>[] {Metrics.class}, nothing);
        MetricsFactory.setMetricsProvider(() -> quiet);
    }

    static void uninstall() {
        MetricsFactory.setMetricsProvider(new EmfMetricsProvider());
    }
}
