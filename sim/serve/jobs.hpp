// SPDX-License-Identifier: MIT
#pragma once

#include "scenario_catalog.hpp"
#include "workspace.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tiersim::serve {

/// What a planner asks for: the baseline and a redesign of it (`set`), each run `replications`
/// times with seeds seed, seed + 1, … (common random numbers: replication r of both arms sees
/// the same demand).
struct JobRequest {
    std::string scenario;
    Json set = Json::object();
    int replications = 3;
    std::optional<std::int64_t> seed;  ///< default: the scenario's
    Json days;                         ///< null: the scenario's
    std::string label;

    /// @throws RequestError naming the field
    static JobRequest from_json(const Json& body);
};

/// The jobs of a workspace: a queue that one worker runs in order, each job's runs as child
/// processes (`tiersim run`), several at a time. Each job's state is kept in its folder
/// (`job.json`), so that a restarted server lists what an earlier one ran.
class JobQueue {
public:
    JobQueue(const Workspace& workspace, ScenarioCatalog& catalog, std::filesystem::path binary);
    ~JobQueue();  ///< shutdown(), then joins the worker
    /// Stops taking jobs, cancels what runs and ends every events stream (wait_change answers
    /// nullopt from now on), so that the HTTP server's threads can finish.
    void shutdown();
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    /// Validates and queues. @throws RequestError with the loader's diagnostics
    Json submit(const JobRequest& request);
    [[nodiscard]] Json list() const;
    /// The job, or nullopt when there is none with this id.
    [[nodiscard]] std::optional<Json> get(const std::string& id) const;
    /// Waits until the job changes after `version` or `timeout` passes; returns the job and
    /// its version (for server-sent events). nullopt when there is no such job, or after
    /// shutdown().
    std::optional<std::pair<Json, std::uint64_t>> wait_change(const std::string& id,
                                                              std::uint64_t version,
                                                              std::chrono::milliseconds timeout);
    /// Stops a queued or running job. Returns false when it has ended (or does not exist).
    bool cancel(const std::string& id);
    /// The folder of a job that exists.
    [[nodiscard]] std::optional<std::filesystem::path> folder(const std::string& id) const;

private:
    struct Job;
    struct Run;  ///< one replication of one arm
    void work();
    void run_job(Job& job);
    /// Runs one replication as a child process; a failure fails (and stops) the whole job.
    void run_replication(Job& job, Run& run, std::vector<Run>& runs, const std::string& baseline);
    /// The job's result, or the removal of its run files when it was cancelled or failed.
    void finish(Job& job);
    void save(const Job& job) const;  ///< writes job.json (under mutex_)
    [[nodiscard]] Json to_json(const Job& job) const;
    void load_existing();

    const Workspace& workspace_;
    ScenarioCatalog& catalog_;
    std::filesystem::path binary_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::unique_ptr<Job>> jobs_;
    std::deque<std::string> queued_;
    int next_id_ = 1;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace tiersim::serve
