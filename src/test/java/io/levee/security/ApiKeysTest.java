package io.levee.security;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.levee.config.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeysTest {

    private static final String KEY = "s3cret-key-value";
    private static final String HASH = Credentials.sha256Hex(KEY);

    @TempDir
    Path dir;

    @Test
    void aKeyIsKnownByItsHashAndCarriesItsRolesAndQueues() throws Exception {
        Path file = Files.write(
                dir.resolve("keys"), List.of("# comment", "", "ingest " + HASH + " submit,read orders-*,audit"));
        ApiKeys keys = new ApiKeys(file, new AtomicLong()::get);
        Identity id = keys.authenticate(KEY).orElseThrow();
        assertThat(id.id(), is("key:ingest"));
        assertThat(id.roles(), is(EnumSet.of(AccessRole.SUBMIT, AccessRole.READ)));
        assertThat(id.mayUse("orders-eu"), is(true));
        assertThat(id.mayUse("audit"), is(true));
        assertThat(id.mayUse("billing"), is(false));
        assertThat(keys.authenticate(KEY + "x"), is(Optional.empty()));
        assertThat(keys.authenticate(HASH), is(Optional.empty()));
    }

    @Test
    void withoutQueuePatternsEveryQueueIsAllowed() {
        List<ApiKeys.Entry> e = ApiKeys.parse(List.of("ops " + HASH + " operate"));
        assertThat(new Identity("key", "ops", e.get(0).roles(), e.get(0).queues()).mayUse("anything"), is(true));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "onlyname",
                "name " + "abc" + " read",
                "name HASH reader",
                "name HASH read,",
                "name HASH read orders,",
                "name HASH read ,",
                "name HASH read orders.eu",
                "na/me HASH read",
                "name HASH read orders extra"
            })
    void aBadLineIsRefusedByNumberWithoutEchoingIt(String line) {
        String l = line.replace("HASH", HASH);
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> ApiKeys.parse(List.of("# first", l)));
        assertThat(e.getMessage(), containsString("line 2"));
        assertThat(e.getMessage(), not(containsString(HASH)));
    }

    @Test
    void aNameIsUsedOnce() {
        assertThrows(
                InvalidConfigurationException.class,
                () -> ApiKeys.parse(List.of("a " + HASH + " read", "a " + Credentials.sha256Hex("x") + " read")));
    }

    @Test
    void theFileIsReReadWhenItChangesAndABrokenFileKeepsThePreviousKeys() throws Exception {
        Path file = Files.write(dir.resolve("keys"), List.of("first " + HASH + " read"));
        AtomicLong nanos = new AtomicLong();
        ApiKeys keys = new ApiKeys(file, nanos::get);
        String second = "another-key";
        Files.write(file, List.of("second " + Credentials.sha256Hex(second) + " read,submit"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));

        assertThat("not checked again within a second", keys.authenticate(second), is(Optional.empty()));
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(keys.authenticate(second).orElseThrow().name(), is("second"));
        assertThat(keys.authenticate(KEY), is(Optional.empty()));

        Files.write(file, List.of("broken"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 9000));
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(keys.authenticate(second).orElseThrow().name(), is("second"));
    }

    @Test
    void aMissingFileStopsStartupNamingTheSetting() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class, () -> new ApiKeys(dir.resolve("absent"), System::nanoTime));
        assertThat(e.getMessage(), containsString("levee.auth.api-keys-file"));
    }
}
