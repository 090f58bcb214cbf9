#include "loadgen/stats/hdr_log.hpp"

#include <zlib.h>

#include <cstring>
#include <ctime>

#include "common/base64.hpp"

namespace sessdemo::loadgen {

namespace {
// HdrHistogram's V2 encoding cookies (uncompressed and compressed), with the 0x10 bit that
// marks the zero-run (LEB128) counts encoding, as HdrHistogram writes them.
constexpr std::uint32_t encoding_cookie = 0x1c849303 | 0x10;
constexpr std::uint32_t compressed_cookie = 0x1c849304 | 0x10;

void put32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}
void put64(std::string& out, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}
std::uint64_t get(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

// ZigZag, then LEB128 (HdrHistogram writes at most 9 bytes, the last one with all 8 bits).
void put_zigzag_leb128(std::string& out, std::int64_t value) {
  auto v = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
  for (int i = 0; i < 8; ++i) {
    if (v < 0x80) {
      out += static_cast<char>(v);
      return;
    }
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
bool get_zigzag_leb128(std::string_view in, std::size_t& at, std::int64_t& value) {
  std::uint64_t v = 0;
  for (int i = 0; i < 9; ++i) {
    if (at >= in.size()) return false;
    auto b = static_cast<unsigned char>(in[at++]);
    if (i == 8) {
      v |= static_cast<std::uint64_t>(b) << 56;
      break;
    }
    v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) break;
  }
  value = static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  return true;
}
}  // namespace

std::string hdr_encode(const Histogram& h) {
  // The counts up to the last that holds samples: a run of empty buckets as its negated length.
  std::string payload;
  std::size_t next = 0;
  h.for_each_bucket([&](std::size_t i, std::uint64_t n) {
    if (i > next) put_zigzag_leb128(payload, -static_cast<std::int64_t>(i - next));
    put_zigzag_leb128(payload, static_cast<std::int64_t>(n));
    next = i + 1;
  });
  std::string plain;
  put32(plain, encoding_cookie);
  put32(plain, static_cast<std::uint32_t>(payload.size()));
  put32(plain, 0);  // normalizing index offset
  put32(plain, 3);  // significant value digits
  put64(plain, static_cast<std::uint64_t>(Histogram::lowest_us));
  put64(plain, static_cast<std::uint64_t>(Histogram::highest_us));
  double ratio = 1.0;  // integer to double value conversion ratio
  std::uint64_t bits;
  std::memcpy(&bits, &ratio, sizeof bits);
  put64(plain, bits);
  plain += payload;

  uLongf packed_size = compressBound(static_cast<uLong>(plain.size()));
  std::string packed(packed_size, '\0');
  compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
            reinterpret_cast<const Bytef*>(plain.data()), static_cast<uLong>(plain.size()),
            Z_DEFAULT_COMPRESSION);
  packed.resize(packed_size);
  std::string out;
  put32(out, compressed_cookie);
  put32(out, static_cast<std::uint32_t>(packed.size()));
  out += packed;
  return base64_encode(out);
}

std::optional<Histogram> hdr_decode(std::string_view text) {
  auto raw = base64_decode(text);
  if (!raw || raw->size() < 8 || get(*raw, 0, 4) != compressed_cookie) return std::nullopt;
  auto packed_len = get(*raw, 4, 4);
  if (packed_len != raw->size() - 8) return std::nullopt;
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(raw->data() + 8);
  z.avail_in = static_cast<uInt>(packed_len);
  std::string plain;
  char buf[16384];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    plain.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK && plain.size() < (64u << 20));
  inflateEnd(&z);
  if (rc != Z_STREAM_END || plain.size() < 40 || get(plain, 0, 4) != encoding_cookie)
    return std::nullopt;
  auto payload_len = get(plain, 4, 4);
  if (get(plain, 8, 4) != 0 || get(plain, 12, 4) != 3 ||
      get(plain, 16, 8) != Histogram::lowest_us || plain.size() != 40 + payload_len)
    return std::nullopt;
  Histogram h;
  std::string_view payload(plain.data() + 40, payload_len);
  std::size_t at = 0, index = 0;
  while (at < payload.size()) {
    std::int64_t v;
    if (!get_zigzag_leb128(payload, at, v)) return std::nullopt;
    if (v < 0)
      index += static_cast<std::size_t>(-v);
    else if (!h.add_to_bucket(index++, static_cast<std::uint64_t>(v)))
      return std::nullopt;
  }
  return h;
}

void HdrLogWriter::header(double start_epoch_s) {
  std::time_t t = static_cast<std::time_t>(start_epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[64];
  std::strftime(when, sizeof when, "%a %b %d %H:%M:%S UTC %Y", &tm);
  std::fprintf(out_, "#[Histogram log format version 1.3]\n");
  std::fprintf(out_, "#[StartTime: %.3f (seconds since epoch), %s]\n", start_epoch_s, when);
  std::fprintf(out_, "#[BaseTime: %.3f (seconds since epoch)]\n", start_epoch_s);
  std::fprintf(out_,
               "#[sessdemo load: latency in microseconds, all instances and request kinds]\n");
  std::fprintf(out_,
               "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_"
               "Histogram\"\n");
  std::fflush(out_);
}

void HdrLogWriter::interval(double start_s, double length_s, const Histogram& h) {
  std::fprintf(out_, "%.3f,%.3f,%.3f,%s\n", start_s, length_s,
               static_cast<double>(h.max()) / 1000.0, hdr_encode(h).c_str());
  std::fflush(out_);
}

}  // namespace sessdemo::loadgen
