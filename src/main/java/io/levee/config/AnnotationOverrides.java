package io.levee.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * Configuration overrides of an annotation's attributes, looked up the way MicroProfile Fault Tolerance does, for
 * every annotation Levee reads ({@code @RateLimit}, {@code @Timeout}, ...): {@code <class>/<method>/<Annotation>/<attribute>},
 * then {@code <class>/<Annotation>/<attribute>} when the annotation sits on the class, then
 * {@code <Annotation>/<attribute>} for every use of it. The first key that is set wins.
 */
public final class AnnotationOverrides {

    private final Config config;
    private final List<String> prefixes;

    private AnnotationOverrides(Config config, List<String> prefixes) {
        this.config = config;
        this.prefixes = List.copyOf(prefixes);
    }

    /**
     * The overrides of one annotation on one method.
     *
     * @param onClass whether the annotation sits on the method's class rather than on the method
     */
    public static AnnotationOverrides of(
            Config config, Method method, Class<? extends Annotation> annotation, boolean onClass) {
        String cls = method.getDeclaringClass().getName();
        String name = annotation.getSimpleName();
        List<String> prefixes = new ArrayList<>();
        prefixes.add(cls + "/" + method.getName() + "/" + name + "/");
        if (onClass) {
            prefixes.add(cls + "/" + name + "/");
        }
        prefixes.add(name + "/");
        return new AnnotationOverrides(config, prefixes);
    }

    /**
     * The overrides of one of several repeated annotations on the same element, addressed by its 0-based position:
     * {@code <class>/<method>/RateLimit/1/value}.
     */
    public AnnotationOverrides indexed(int index) {
        return new AnnotationOverrides(
                config, prefixes.stream().map(p -> p + index + "/").toList());
    }

    /** The configured value of an attribute, trimmed, if any key for it is set. */
    public Optional<String> raw(String attribute) {
        for (String p : prefixes) {
            Optional<String> v = config.getOptionalValue(p + attribute, String.class);
            if (v.isPresent()) {
                return Optional.of(v.get().trim());
            }
        }
        return Optional.empty();
    }

    /**
     * The configured value of an attribute, parsed.
     *
     * @throws IllegalArgumentException naming the key and the value, when it does not parse
     */
    public <T> Optional<T> get(String attribute, Function<String, T> parse) {
        for (String p : prefixes) {
            Optional<String> v = config.getOptionalValue(p + attribute, String.class);
            if (v.isPresent()) {
                try {
                    return Optional.of(parse.apply(v.get().trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            p + attribute + " = '" + v.get() + "' is not a valid " + attribute, e);
                }
            }
        }
        return Optional.empty();
    }

    /** The keys looked up, for messages: {@code com.acme.Orders/handle/RateLimit/<attribute> / RateLimit/<attribute>}. */
    public String keys() {
        return String.join(" / ", prefixes.stream().map(p -> p + "<attribute>").toList());
    }
}
