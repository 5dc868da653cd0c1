// A main() for the fuzz targets where libFuzzer is not available (g++ has no
// -fsanitize=fuzzer): every corpus file goes through LLVMFuzzerTestOneInput once, then a
// bounded number of random mutations of them. No coverage feedback, so it finds less than
// libFuzzer would, but it runs in every `make test` under ASan and UBSan.
//
// The command line is a subset of libFuzzer's, so ctest passes the same flags to either:
//   fuzz_x [-runs=N] [-max_total_time=S] [-seed=N] [-max_len=N] [-artifact_prefix=P] PATH...
// A PATH is a file or a directory of files (not recursive). Without -runs and
// -max_total_time only the given inputs run: `fuzz_x crash-1234` replays a saved crash.
// The seed is printed first; the same seed, corpus and -runs repeat the same inputs. An
// input that aborts, crashes or trips a sanitizer is written to <prefix>crash-<hash> and
// printed escaped, so a CI log alone is enough to reproduce it.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
// From the sanitizer runtime when linked with -fsanitize=address (GCC's and clang's).
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)());

namespace {

using Bytes = std::string;

// What the crash reporter needs, set before each input runs; read from a signal handler.
const char* g_current_data = nullptr;
std::size_t g_current_size = 0;
char g_artifact_prefix[512] = "";
volatile std::sig_atomic_t g_reported = 0;

void write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n <= 0) return;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void write_str(int fd, const char* text) {
    write_all(fd, text, std::strlen(text));
}

// Async-signal-safe: no allocation, no stdio.
void report_crash() {
    if (g_reported || g_current_data == nullptr) return;
    g_reported = 1;
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
    for (std::size_t i = 0; i < g_current_size; ++i) {
        hash = (hash ^ static_cast<unsigned char>(g_current_data[i])) * 1099511628211ULL;
    }
    static const char hex[] = "0123456789abcdef";
    char path[600];
    std::size_t len = std::strlen(g_artifact_prefix);
    std::memcpy(path, g_artifact_prefix, len);
    std::memcpy(path + len, "crash-", 6);
    len += 6;
    for (int shift = 60; shift >= 0; shift -= 4) path[len++] = hex[(hash >> shift) & 0xf];
    path[len] = '\0';
    int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        write_all(fd, g_current_data, g_current_size);
        ::close(fd);
    }
    write_str(2, "\nfuzz driver: this input failed, saved to ");
    write_str(2, path);
    write_str(2, "\nfuzz driver: input (C escapes, first 2048 bytes): \"");
    char out[4];
    for (std::size_t i = 0; i < g_current_size && i < 2048; ++i) {
        auto c = static_cast<unsigned char>(g_current_data[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out[0] = static_cast<char>(c);
            write_all(2, out, 1);
        } else {
            out[0] = '\\';
            out[1] = 'x';
            out[2] = hex[c >> 4];
            out[3] = hex[c & 0xf];
            write_all(2, out, 4);
        }
    }
    write_str(2, "\"\n");
}

void on_signal(int signal) {
    report_crash();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

void run_one(const Bytes& input) {
    g_current_data = input.data();
    g_current_size = input.size();
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    g_current_data = nullptr;
}

Bytes read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Words, numbers and punctuation runs of the corpus, to insert whole: a reply parser
// needs "kymmenen" or "10/10" far more than random bytes.
std::vector<Bytes> tokens_of(const std::vector<Bytes>& corpus) {
    std::vector<Bytes> tokens = {
        "0",
        "10",
        "-1",
        "99999999999999999999",
        "1e999",
        "\xc3",
        "\xff",
        "\xe2\x80",
        "\xef\xbb\xbf",
        "\xc0\xaf",
        "\xed\xa0\x80",
        "\xf0\x9f\x91\x8d",
        "\r\n",
        "\n\n",
        "\t",
        " ",
        "\\u0000",
        "\\ud800",
        "%00",
        "%",
        "&",
        "=",
        "\"",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "<",
        ">",
        "--",
        "\0",
    };
    for (const auto& input : corpus) {
        std::size_t start = 0;
        for (std::size_t i = 0; i <= input.size(); ++i) {
            auto c = i < input.size() ? static_cast<unsigned char>(input[i]) : ' ';
            bool word = std::isalnum(c) || c >= 0x80;
            if (!word || i == input.size()) {
                if (i > start && i - start <= 32) tokens.push_back(input.substr(start, i - start));
                start = i + 1;
            }
        }
    }
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    return tokens;
}

class Mutator {
  public:
    Mutator(std::uint64_t seed, std::vector<Bytes> tokens, std::size_t max_len)
        : random_(seed), tokens_(std::move(tokens)), max_len_(max_len) {}

    Bytes mutate(Bytes input, const std::vector<Bytes>& corpus) {
        int steps = 1 + below(6);
        for (int i = 0; i < steps; ++i) step(input, corpus);
        if (input.size() > max_len_) input.resize(max_len_);
        return input;
    }

    std::size_t below(std::size_t n) { return n == 0 ? 0 : random_() % n; }

  private:
    void step(Bytes& s, const std::vector<Bytes>& corpus) {
        std::size_t at = below(s.size() + 1);
        switch (below(9)) {
            case 0:  // flip a bit
                if (!s.empty()) s[below(s.size())] ^= static_cast<char>(1u << below(8));
                break;
            case 1:  // replace a byte, printable ASCII most of the time
                if (!s.empty()) s[below(s.size())] = random_byte();
                break;
            case 2:
                s.insert(at, 1, random_byte());
                break;
            case 3: {  // erase a range
                if (s.empty()) break;
                std::size_t from = below(s.size());
                s.erase(from, 1 + below(std::min<std::size_t>(s.size() - from, 16)));
                break;
            }
            case 4: {  // repeat a range, which nests brackets and lengthens runs
                if (s.empty()) break;
                std::size_t from = below(s.size());
                Bytes piece = s.substr(from, 1 + below(std::min<std::size_t>(s.size() - from, 8)));
                for (std::size_t n = 1 + below(64); n > 0 && s.size() < max_len_; --n) {
                    s.insert(from, piece);
                }
                break;
            }
            case 5:
            case 6:
                s.insert(at, tokens_[below(tokens_.size())]);
                break;
            case 7: {  // splice in part of another input
                const Bytes& other = corpus[below(corpus.size())];
                if (other.empty()) break;
                std::size_t from = below(other.size());
                s.insert(at, other.substr(from, 1 + below(other.size() - from)));
                break;
            }
            default:  // cut
                s.resize(below(s.size() + 1));
                break;
        }
    }

    char random_byte() {
        return static_cast<char>(below(4) == 0 ? below(256) : 0x20 + below(0x5f));
    }

    std::mt19937_64 random_;
    std::vector<Bytes> tokens_;
    std::size_t max_len_;
};

bool flag(std::string_view arg, std::string_view name, long long& value) {
    if (arg.substr(0, name.size()) != name) return false;
    value = std::atoll(std::string(arg.substr(name.size())).c_str());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);

    long long runs = -1, max_total_time = -1, seed = 0, max_len = 4096;
    std::vector<std::filesystem::path> paths;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (flag(arg, "-runs=", runs) || flag(arg, "-max_total_time=", max_total_time) ||
            flag(arg, "-seed=", seed) || flag(arg, "-max_len=", max_len)) {
            continue;
        }
        if (arg.substr(0, 17) == "-artifact_prefix=") {
            std::snprintf(g_artifact_prefix, sizeof g_artifact_prefix, "%s", argv[i] + 17);
        } else if (arg.substr(0, 1) == "-") {
            std::fprintf(stderr, "fuzz driver: ignoring %s (a libFuzzer flag)\n", argv[i]);
        } else {
            paths.emplace_back(arg);
        }
    }

    std::vector<Bytes> corpus;
    for (const auto& path : paths) {
        if (std::filesystem::is_directory(path)) {
            std::vector<std::filesystem::path> files;
            for (const auto& entry : std::filesystem::directory_iterator(path)) {
                if (entry.is_regular_file()) files.push_back(entry.path());
            }
            std::sort(files.begin(), files.end());  // the same order on every machine
            for (const auto& file : files) corpus.push_back(read_file(file));
        } else {
            corpus.push_back(read_file(path));
        }
    }
    if (corpus.empty()) corpus.emplace_back();

    if (seed == 0) seed = static_cast<long long>(std::random_device{}() & 0x7fffffff);
    const bool mutate = runs > 0 || max_total_time > 0;
    std::printf("fuzz driver: seed %lld, %zu inputs, runs %lld, max_total_time %lld s\n", seed,
                corpus.size(), mutate ? runs : 0, max_total_time);
    std::fflush(stdout);

    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(report_crash);
    for (int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(signal, on_signal);

    const auto started = std::chrono::steady_clock::now();
    for (const auto& input : corpus) run_one(input);

    long long done = 0;
    if (mutate) {
        Mutator mutator(static_cast<std::uint64_t>(seed), tokens_of(corpus),
                        static_cast<std::size_t>(std::max(1LL, max_len)));
        const auto deadline = max_total_time > 0 ? started + std::chrono::seconds(max_total_time)
                                                 : std::chrono::steady_clock::time_point::max();
        Bytes input;
        for (; runs < 0 || done < runs; ++done) {
            // Check the clock every 64 inputs: a syscall per input would dominate.
            if (done % 64 == 0 && std::chrono::steady_clock::now() >= deadline) break;
            // Mostly a fresh copy of a corpus input, sometimes the last mutant mutated further.
            if (input.empty() || mutator.below(4) != 0)
                input = corpus[mutator.below(corpus.size())];
            input = mutator.mutate(std::move(input), corpus);
            run_one(input);
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("fuzz driver: done, %zu corpus inputs and %lld mutants in %.1f s (seed %lld)\n",
                corpus.size(), done, seconds, seed);
    return 0;
}
