#include "logview/log_set.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>

namespace llm::logview {
namespace fs = std::filesystem;
namespace {

// The backup number of `name` for `base` ("api.log.3" or "api.log.3.gz" -> 3), or -1.
long BackupNumber(std::string_view name, std::string_view base) {
  if (name.size() <= base.size() + 1 || name.substr(0, base.size()) != base || name[base.size()] != '.')
    return -1;
  std::string_view rest = name.substr(base.size() + 1);
  if (rest.ends_with(".gz")) rest.remove_suffix(3);
  if (rest.empty() || rest.size() > 9 || rest.find_first_not_of("0123456789") != std::string_view::npos)
    return -1;
  return std::stol(std::string(rest));
}

Result<std::string> Inflate(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IOError(path + ": cannot open");
  gzbuffer(f, 1 << 17);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  std::string why = err != Z_OK && err != Z_BUF_ERROR ? msg : "";
  gzclose(f);
  // A truncated archive keeps what was inflated: its last line is then a bad line.
  if (n < 0 && out.empty()) return Status::Corruption(path + ": " + why);
  return out;
}

}  // namespace

Result<std::vector<std::string>> ListRotatedSet(const std::string& dir, std::string_view base) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status::IOError(dir + ": " + ec.message());
  std::vector<std::pair<long, std::string>> backups;
  std::string live;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec)) continue;
    if (name == base) {
      live = entry.path().string();
      continue;
    }
    long n = BackupNumber(name, base);
    if (n > 0) backups.emplace_back(n, entry.path().string());
  }
  // Oldest first: the highest number first; for the same number the .gz copy first.
  std::sort(backups.begin(), backups.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second.ends_with(".gz") > b.second.ends_with(".gz");
  });
  std::vector<std::string> out;
  for (auto& b : backups) out.push_back(std::move(b.second));
  if (!live.empty()) out.push_back(std::move(live));
  return out;
}

Result<LogSource> LogSource::Open(const std::string& path) {
  LogSource s;
  s.path_ = path;
  if (path.ends_with(".gz")) {
    LLM_ASSIGN_OR_RETURN(s.inflated_, Inflate(path));
    const size_t size = s.inflated_.size();
    s.inflated_.append(64, ' ');  // padding for the SIMD parser
    s.data_ = std::string_view(s.inflated_.data(), size);
    s.readable_ = s.inflated_.size();
    return s;
  }
  LLM_ASSIGN_OR_RETURN(s.map_, MappedFile::Open(path));
  s.data_ = s.map_.view();
  s.readable_ = s.map_.readable();
  return s;
}

Result<std::vector<LogSource>> OpenRotatedSet(const std::string& dir, std::string_view base) {
  LLM_ASSIGN_OR_RETURN(std::vector<std::string> paths, ListRotatedSet(dir, base));
  std::vector<LogSource> out;
  for (const std::string& p : paths) {
    LLM_ASSIGN_OR_RETURN(LogSource s, LogSource::Open(p));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace llm::logview
