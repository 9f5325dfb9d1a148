// SPDX-License-Identifier: MIT
#include "jobs.hpp"

#include "tiersim/io/utc_time.hpp"
#include "tiersim/text_format.hpp"

#include "child_process.hpp"
#include "job_result.hpp"

#include <algorithm>
#include <atomic>

namespace tiersim::serve {

namespace fs = std::filesystem;

namespace {

constexpr int max_replications = 20;

/// The files of one run: ARM-R.h5 and the `run --json` it printed, ARM-R.json.
std::string run_stem(std::string_view arm, int replication) {
    return std::string(arm) + "-" + std::to_string(replication);
}

}  // namespace

JobRequest JobRequest::from_json(const Json& body) {
    if (!body.is_object())
        throw RequestError("expected a JSON object");
    JobRequest r;
    r.scenario = scenario_field(body);
    if (body.contains("set"))
        r.set = body["set"];
    if (body.contains("replications")) {
        const Json& n = body["replications"];
        if (!n.is_number_integer() || n.get<int>() < 1 || n.get<int>() > max_replications)
            throw RequestError("replications: expected a whole number from 1 to " +
                               std::to_string(max_replications));
        r.replications = n.get<int>();
    }
    if (body.contains("seed") && !body["seed"].is_null()) {
        if (!body["seed"].is_number_integer() || body["seed"].get<std::int64_t>() < 0)
            throw RequestError("seed: expected a whole number >= 0");
        r.seed = body["seed"].get<std::int64_t>();
    }
    if (body.contains("days") && !body["days"].is_null()) {
        if (!body["days"].is_number() || body["days"].get<double>() <= 0)
            throw RequestError("days: expected a number of days > 0");
        r.days = body["days"];
    }
    if (body.contains("label")) {
        if (!body["label"].is_string())
            throw RequestError("label: expected a string");
        r.label = body["label"].get<std::string>().substr(0, 200);
    }
    return r;
}

struct JobQueue::Job {
    std::string id;
    JobRequest request;
    std::int64_t seed = 1;
    fs::path dir;
    std::string state = "queued";
    double progress = 0.0;
    std::string message;
    std::string error;
    std::string created_utc;
    std::string finished_utc;
    std::uint64_t version = 0;
    bool cancel_requested = false;
    std::vector<ChildProcess*> children;  ///< running, under the queue's mutex

    [[nodiscard]] bool ended() const {
        return state == "done" || state == "failed" || state == "cancelled";
    }
};

JobQueue::JobQueue(const Workspace& workspace, ScenarioCatalog& catalog, fs::path binary)
    : workspace_(workspace),
      catalog_(catalog),
      binary_(std::move(binary)) {
    load_existing();
    worker_ = std::thread([this] { work(); });
}

JobQueue::~JobQueue() {
    shutdown();
    worker_.join();
}

void JobQueue::shutdown() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& [id, job] : jobs_) {
            job->cancel_requested = true;
            for (ChildProcess* child : job->children)
                child->terminate();
        }
    }
    changed_.notify_all();
}

void JobQueue::load_existing() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(workspace_.jobs(), ec)) {
        const std::string id = entry.path().filename().string();
        if (!Workspace::is_job_id(id))
            continue;
        next_id_ = std::max(next_id_, std::stoi(id.substr(1)) + 1);
        const Json saved = Json::parse(read_file(entry.path() / "job.json"), nullptr, false);
        if (!saved.is_object())
            continue;
        auto job = std::make_unique<Job>();
        job->id = id;
        job->dir = entry.path();
        try {
            job->request = JobRequest::from_json(saved.value("request", Json::object()));
        } catch (const RequestError&) {
            continue;
        }
        job->seed = saved.value("seed", std::int64_t{1});
        job->state = saved.value("state", std::string("failed"));
        job->progress = saved.value("progress", 0.0);
        job->message = saved.value("message", std::string());
        job->error = saved.value("error", std::string());
        job->created_utc = saved.value("created_utc", std::string());
        job->finished_utc = saved.value("finished_utc", std::string());
        if (!job->ended()) {  // an earlier server stopped while it ran
            job->state = "failed";
            job->error = "the server stopped before the job ended";
            save(*job);
        }
        jobs_[id] = std::move(job);
    }
}

Json JobQueue::to_json(const Job& job) const {
    return {{"id", job.id},
            {"label", job.request.label},
            {"scenario", job.request.scenario},
            {"set", job.request.set},
            {"replications", job.request.replications},
            {"seed", job.seed},
            {"days", job.request.days},
            {"state", job.state},
            {"progress", job.progress},
            {"message", job.message},
            {"error", job.error},
            {"created_utc", job.created_utc},
            {"finished_utc", job.finished_utc}};
}

void JobQueue::save(const Job& job) const {
    Json saved = to_json(job);
    Json request = {{"scenario", job.request.scenario},
                    {"set", job.request.set},
                    {"replications", job.request.replications},
                    {"seed", job.seed},
                    {"days", job.request.days},
                    {"label", job.request.label}};
    saved["request"] = std::move(request);
    write_file(job.dir / "job.json", saved.dump(2) + "\n");
}

Json JobQueue::submit(const JobRequest& request) {
    if (auto errors = catalog_.validate(request.scenario, request.set, request.days);
        !errors.empty())
        throw RequestError("the redesign is not a valid scenario", std::move(errors));
    const Json details = catalog_.details(request.scenario);
    auto job = std::make_unique<Job>();
    job->request = request;
    job->seed = request.seed.value_or(details.value("seed", std::int64_t{1}));
    job->created_utc = io::utc_now();
    const std::lock_guard lock(mutex_);
    if (stopping_)
        throw RequestError("the server is stopping");
    job->id = "j" +
              std::string(6 - std::min<std::size_t>(6, std::to_string(next_id_).size()), '0') +
              std::to_string(next_id_);
    ++next_id_;
    job->dir = workspace_.jobs() / job->id;
    fs::create_directories(job->dir);
    const std::string description =
        "redesign of " + request.scenario + (request.label.empty() ? "" : ": " + request.label);
    write_file(job->dir / "redesign.toml",
               catalog_.overlay_text(request.scenario, request.set, description, job->dir));
    save(*job);
    Json out = to_json(*job);
    queued_.push_back(job->id);
    jobs_[job->id] = std::move(job);
    changed_.notify_all();
    return out;
}

Json JobQueue::list() const {
    const std::lock_guard lock(mutex_);
    Json out = Json::array();
    for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it)
        out.push_back(to_json(*it->second));
    return out;
}

std::optional<Json> JobQueue::get(const std::string& id) const {
    const std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end())
        return std::nullopt;
    return to_json(*it->second);
}

std::optional<fs::path> JobQueue::folder(const std::string& id) const {
    const std::lock_guard lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end())
        return std::nullopt;
    return it->second->dir;
}

std::optional<std::pair<Json, std::uint64_t>> JobQueue::wait_change(
    const std::string& id, std::uint64_t version, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || stopping_)
        return std::nullopt;
    const Job& job = *it->second;
    changed_.wait_for(lock, timeout, [&] { return job.version != version || stopping_; });
    if (stopping_)
        return std::nullopt;
    return std::pair{to_json(job), job.version};
}

bool JobQueue::cancel(const std::string& id) {
    std::unique_lock lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second->ended())
        return false;
    Job& job = *it->second;
    job.cancel_requested = true;
    for (ChildProcess* child : job.children)
        child->terminate();
    if (job.state == "queued") {  // never started: nothing to clean up
        std::erase(queued_, id);
        job.state = "cancelled";
        job.finished_utc = io::utc_now();
        ++job.version;
        save(job);
    }
    changed_.notify_all();
    // A running job ends as cancelled when its worker has stopped its runs.
    changed_.wait(lock, [&] { return job.ended(); });
    return true;
}

void JobQueue::work() {
    for (;;) {
        Job* job = nullptr;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
            if (stopping_)
                return;
            job = jobs_.at(queued_.front()).get();
            queued_.pop_front();
            job->state = "running";
            job->message = "starting";
            ++job->version;
            save(*job);
        }
        changed_.notify_all();
        run_job(*job);
        changed_.notify_all();
    }
}

struct JobQueue::Run {
    std::string arm;
    int replication = 1;
    double progress = 0.0;
    std::string errors;  ///< what it printed on stderr that was not progress
};

void JobQueue::run_replication(Job& job,
                               Run& run,
                               std::vector<Run>& runs,
                               const std::string& baseline) {
    std::vector<std::string> argv = {
        binary_.string(),
        "run",
        run.arm == "baseline" ? baseline : (job.dir / "redesign.toml").string(),
        "--seed",
        std::to_string(job.seed + run.replication - 1),
        "--threads",
        "1",
        "--trace",
        "none",
        "--progress",
        "json",
        "--json",
        "-o",
        (job.dir / (run_stem(run.arm, run.replication) + ".h5")).string()};
    if (!job.request.days.is_null())
        argv.insert(argv.end(), {"--days", toml_value(job.request.days, "days")});
    std::optional<ChildProcess> child;
    {
        const std::lock_guard lock(mutex_);
        if (job.cancel_requested)
            return;
        try {
            child.emplace(argv, job.dir / (run_stem(run.arm, run.replication) + ".json"));
        } catch (const IoError& e) {
            job.cancel_requested = true;
            job.error = e.what();
            return;
        }
        job.children.push_back(&*child);
    }
    child->read_stderr([&](const std::string& line) {
        const Json p = Json::parse(line, nullptr, false);
        const std::lock_guard lock(mutex_);
        if (p.is_object() && p.contains("progress")) {
            run.progress = p["progress"].get<double>();
            double sum = 0.0;
            for (const Run& r : runs)
                sum += r.progress;
            job.progress = sum / static_cast<double>(runs.size());
            job.message = run.arm + " replication " + std::to_string(run.replication) + ": day " +
                          format_fixed(p.value("day", 0.0), 1);
            ++job.version;
        } else if (run.errors.size() < 4000) {
            run.errors += line + "\n";
        }
        changed_.notify_all();
    });
    const int code = child->wait();
    const std::lock_guard lock(mutex_);
    std::erase(job.children, &*child);
    run.progress = 1.0;
    if (code != 0 && !job.cancel_requested) {  // one failed run fails the job
        job.cancel_requested = true;
        job.error = run.arm + " replication " + std::to_string(run.replication) + " failed (exit " +
                    std::to_string(code) + "): " + run.errors;
        for (ChildProcess* other : job.children)
            other->terminate();
    }
}

void JobQueue::run_job(Job& job) {
    std::vector<Run> runs;
    for (int r = 1; r <= job.request.replications; ++r)
        for (const char* arm : {"baseline", "redesign"})
            runs.push_back({arm, r, 0.0, {}});
    const std::string baseline = catalog_.loader_name(job.request.scenario);
    std::atomic<std::size_t> next{0};
    const unsigned parallel = std::clamp<unsigned>(
        std::thread::hardware_concurrency(), 1, static_cast<unsigned>(runs.size()));
    std::vector<std::thread> workers;
    for (unsigned w = 0; w < parallel; ++w)
        workers.emplace_back([&] {
            for (std::size_t i; (i = next++) < runs.size();)
                run_replication(job, runs[i], runs, baseline);
        });
    for (auto& w : workers)
        w.join();
    finish(job);
}

void JobQueue::finish(Job& job) {
    Json result;
    std::string result_error;
    bool cancelled = false;
    {
        const std::lock_guard lock(mutex_);
        cancelled = job.cancel_requested;
    }
    if (!cancelled) {
        try {
            result = job_result(job.dir, job.request.replications);
        } catch (const std::exception& e) {
            result_error = std::string("cannot read the runs' results: ") + e.what();
        }
    }
    if (!cancelled && result_error.empty())
        write_file(job.dir / "result.json", result.dump() + "\n");
    if (cancelled) {
        // A cancelled job keeps no run file: nothing of it may pass for a result.
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(job.dir, ec)) {
            const auto ext = entry.path().extension();
            if (ext == ".h5" || ext == ".json" || ext == ".partial" || ext == ".lock")
                if (entry.path().filename() != "job.json")
                    fs::remove(entry.path(), ec);
        }
    }
    const std::lock_guard lock(mutex_);
    job.finished_utc = io::utc_now();
    if (cancelled && job.error.empty()) {
        job.state = "cancelled";
        job.message = "cancelled";
    } else if (!job.error.empty() || !result_error.empty()) {
        job.state = "failed";
        if (job.error.empty())
            job.error = result_error;
        job.message = "failed";
    } else {
        job.state = "done";
        job.progress = 1.0;
        job.message = "done";
    }
    ++job.version;
    save(job);
}

}  // namespace tiersim::serve
