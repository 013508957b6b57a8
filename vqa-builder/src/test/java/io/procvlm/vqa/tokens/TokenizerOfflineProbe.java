package io.procvlm.vqa.tokens;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a fresh JVM by {@link TestTokenizerOffline}: loads a tokenizer.json through DJL (so the native library is
 * loaded for the first time in this process) while recording every URL connection Java would open, and prints the
 * count and the recorded addresses.
 */
public final class TokenizerOfflineProbe {
    private TokenizerOfflineProbe() {}

    public static void main(String[] args) throws IOException {
        List<URI> requested = new CopyOnWriteArrayList<>();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                requested.add(uri);
                throw new IllegalStateException("network access attempted: " + uri);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                requested.add(uri);
            }
        });
        TokenizerTextTokens tokens = new TokenizerTextTokens(Files.readString(Path.of(args[0])), args[0]);
        System.out.println("count=" + tokens.count("<|im_start|>user\nthe thing<|im_end|>\n"));
        System.out.println("requested=" + requested);
    }
}
