package io.github.krest.proxy.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code bin/krest-passwd USER [COST]}: prints a line for {@code authentication.basic.password.file}, the user
 * and a bcrypt hash of a password read from standard input (asked twice, without echo, on a terminal; else the
 * first line of the input). Exit status 2 on bad usage or input.
 */
public final class PasswordTool {
    private PasswordTool() {
    }

    /**
     * Whether the password is typed on a terminal. Up to JDK 21 {@code System.console()} is null unless it is; from
     * JDK 22 it may return a console for redirected streams too, and only {@code Console.isTerminal()} (JDK 22,
     * called reflectively since krest is built for 21) tells them apart.
     */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console is a terminal
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param args {@code USER [COST]}, cost 4 to 31, default {@value PasswordFile#DEFAULT_COST} */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            fail("usage: krest-passwd USER [COST] < password");
        }
        int cost = PasswordFile.DEFAULT_COST;
        if (args.length == 2) {
            try {
                cost = Integer.parseInt(args[1]);
            } catch (NumberFormatException e) {
                fail("COST must be a number from 4 to 31");
            }
            if (cost < 4 || cost > 31) {
                fail("COST must be a number from 4 to 31");
            }
        }
        char[] password;
        Console console = System.console();
        if (isTerminal(console)) {
            password = console.readPassword("Password for %s: ", args[0]);
            char[] again = console.readPassword("Again: ");
            if (password == null || !Arrays.equals(password, again)) {
                fail("the passwords differ");
            }
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password == null || password.length == 0) {
            fail("the password is empty");
        }
        try {
            System.out.println(PasswordFile.line(args[0], password, cost));
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println("krest-passwd: " + message);
        System.exit(2);
    }
}
