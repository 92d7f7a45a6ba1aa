// Registers ipmibd.conf directives with Net-SNMP and counts the errors reported while reading.
#include "agent/common/config_reader.h"

#include "agent/common/netsnmp.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string_view>

namespace ipmibd::agent {
namespace {

ConfigReader* g_reader = nullptr; // Net-SNMP's config and log callbacks carry no user pointer

void directiveTrampoline(const char* token, char* line) {
  if (g_reader != nullptr) g_reader->onDirective(token, line);
}

int logTrampoline(int, int, void* serverArg, void*) {
  const auto* message = static_cast<const snmp_log_message*>(serverArg);
  if (g_reader != nullptr && message != nullptr) g_reader->onLogMessage(message->priority, message->msg);
  return 0;
}

// read_configs() announces the start of the real read with PRE_READ_CONFIG; messages before it
// (MIB loading, the premib pass) are not about ipmibd.conf lines.
int readStartTrampoline(int, int, void*, void*) {
  if (g_reader != nullptr) g_reader->onReadStart();
  return 0;
}

// Runs before every other POST_READ_CONFIG callback (the AgentX subagent connects in one of
// those), so connection warnings are not mistaken for configuration errors.
int readDoneTrampoline(int, int, void*, void*) {
  if (g_reader != nullptr) g_reader->onReadDone();
  return 0;
}

} // namespace

ConfigReader::ConfigReader(std::filesystem::path baseDirectory)
    : ConfigReader(std::move(baseDirectory), "") {}

ConfigReader::ConfigReader(std::filesystem::path baseDirectory, std::string fileType)
    : baseDirectory_(std::move(baseDirectory)), fileType_(std::move(fileType)) {
  g_reader = this;
  for (const Directive& d : directives()) {
    const std::string token(d.token), help(d.help);
    if (fileType_.empty())
      register_app_config_handler(token.c_str(), directiveTrampoline, nullptr, help.c_str());
    else
      register_config_handler(fileType_.c_str(), token.c_str(), directiveTrampoline, nullptr, help.c_str());
  }
  // Every message of priority warning or worse also reaches logTrampoline; the callback handler
  // is additional to whatever -L set up, it does not replace it.
  snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, logTrampoline, nullptr);
  netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_WARNING);
  snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_PRE_READ_CONFIG, readStartTrampoline, nullptr);
  netsnmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG, readDoneTrampoline,
                            nullptr, NETSNMP_CALLBACK_HIGHEST_PRIORITY);
}

ConfigReader::~ConfigReader() {
  snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, logTrampoline, nullptr, 1);
  snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_PRE_READ_CONFIG, readStartTrampoline, nullptr,
                           1);
  snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_POST_READ_CONFIG, readDoneTrampoline, nullptr,
                           1);
  for (const Directive& d : directives())
    unregister_config_handler(fileType_.empty() ? nullptr : fileType_.c_str(), std::string(d.token).c_str());
  g_reader = nullptr;
}

void ConfigReader::begin() {
  config_ = DaemonConfig{};
  errors_ = 0;
  collecting_ = false;
  started_ = false;
}

void ConfigReader::onReadStart() {
  config_ = DaemonConfig{};
  collecting_ = true;
  started_ = true;
}

void ConfigReader::reread() {
  begin();
  update_config();
  collecting_ = false;
}

void ConfigReader::readFiles(const std::vector<std::filesystem::path>& files) {
  begin();
  onReadStart();
  // Counted here rather than from the log: inside snmpd the log callback may never see a message
  // (Net-SNMP 5.9.3's netsnmp_add_loghandler() leaves `prev` unset, so some -L combinations cut a
  // handler added later out of the chain). Net-SNMP still logs each line as FILE: line N.
  selfCounting_ = true;
  for (const std::filesystem::path& file : files) {
    errors_ += unknownDirectives(file);
    read_config_with_type(file.c_str(), fileType_.empty() ? nullptr : fileType_.c_str());
  }
  selfCounting_ = false;
  onReadDone();
}

int ConfigReader::unknownDirectives(const std::filesystem::path& file) {
  std::ifstream in(file);
  int unknown = 0;
  for (std::string line; std::getline(in, line);) {
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    const std::string token = line.substr(start, line.find_first_of(" \t\r", start) - start);
    // Net-SNMP's own file-level lines (includeFile / includeDir / includeSearch, [type] switches).
    if (token.rfind("include", 0) == 0 || token.front() == '[') continue;
    if (std::ranges::none_of(directives(), [&](const Directive& d) {
          return strcasecmp(token.c_str(), std::string(d.token).c_str()) == 0;
        }))
      ++unknown;
  }
  return unknown;
}

void ConfigReader::onDirective(const char* token, const char* line) {
  for (const Directive& d : directives()) {
    if (strcasecmp(token, std::string(d.token).c_str()) != 0) continue;
    if (auto error = d.apply(config_, line != nullptr ? line : "", baseDirectory_)) {
      // config_perror() prefixes "FILE: line N: Error:"; counted here, not by the log callback
      // (which may not see it: readFiles()).
      ++errors_;
      const bool wasSelfCounting = selfCounting_;
      selfCounting_ = true;
      config_perror(error->c_str());
      selfCounting_ = wasSelfCounting;
    }
    return;
  }
}

void ConfigReader::onLogMessage(int priority, const char* message) {
  if (!collecting_ || selfCounting_) return;
  if (priority <= LOG_ERR) {
    ++errors_;
  } else if (priority == LOG_WARNING && message != nullptr &&
             std::strstr(message, "Unknown token") != nullptr) {
    // A misspelt directive would otherwise be skipped and its setting silently defaulted.
    ++errors_;
  }
}

std::string configSearchPath() {
  // As read_config_files_of_type(): SNMPCONFPATH, when set, replaces the built-in directories.
  if (const char* env = netsnmp_getenv("SNMPCONFPATH")) return env;
  const char* path = get_configuration_directory();
  return path != nullptr ? path : "";
}

std::vector<std::filesystem::path> configFilesInSearchPath() {
  std::vector<std::filesystem::path> files;
  const std::string path = configSearchPath();
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    if (end > start) {
      const std::filesystem::path directory(path.substr(start, end - start));
      for (const char* name : {"ipmibd.conf", "ipmibd.local.conf"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(directory / name, ec)) files.push_back(directory / name);
      }
    }
    start = end + 1;
  }
  return files;
}

} // namespace ipmibd::agent
