package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium}, headless, driven through Debian's {@code chromium-driver} by Selenium's Java bindings.
 *
 * <p>Both paths are given to Selenium explicitly ({@link ChromeOptions#setBinary}, the service's executable), so
 * Selenium Manager is never asked to find, let alone download, a browser or a driver. The browser runs with
 * {@code --no-sandbox} (the tests run as root in a container, where Chromium's sandbox cannot start) and a fresh
 * profile that chromedriver creates and deletes.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /**
     * @return why the browser cannot run here (which Debian package is missing), or empty when it can; bin/test
     *     installs both packages when it runs as root
     */
    static Optional<String> unavailable() {
        List<String> missing = List.of(CHROMIUM, CHROMEDRIVER).stream().filter(p -> !Files.isExecutable(p))
                .map(p -> p.getFileName().toString().equals("chromium") ? "chromium" : "chromium-driver").toList();
        return missing.isEmpty() ? Optional.empty() : Optional.of("Debian's " + String.join(" and ", missing)
                + " not installed (apt-get install -y chromium chromium-driver as root; bin/test does so)");
    }

    /**
     * Starts chromedriver and a headless browser window of 1100 x 2300 CSS pixels (tall enough for the example page
     * with 60 records).
     *
     * @param log chromedriver's log file (it names the browser's own errors when a session cannot start)
     */
    static HeadlessChromium start(Path log) {
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1100,2300", "--no-first-run", "--disable-extensions",
                        "--disable-background-networking", "--disable-component-update");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(log.toFile())
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new HeadlessChromium(new ChromeDriver(service, options));
    }

    /** @return the driver, for the test's page interactions */
    ChromeDriver driver() {
        return driver;
    }

    /** Saves a PNG of the visible part of the page to {@code file} and returns its absolute path. */
    Path screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the browser session and chromedriver. */
    @Override
    public void close() {
        driver.quit();
    }
}
