// SPDX-License-Identifier: MIT
#include "serve_command.hpp"

namespace tiersim::cli {

ServeCommand::ServeCommand(CLI::App& app) {
    serve_ = app.add_subcommand(
        "serve", "start the browser workbench: levers, runs, comparisons (docs/workbench.md)");
    serve_->add_option("--host", options_.host, "address to listen on")->capture_default_str();
    serve_->add_option("--port", options_.port, "port to listen on (0: any free port)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    serve_
        ->add_option("--workspace",
                     options_.workspace,
                     "folder for the jobs' files and saved redesigns (created when missing)")
        ->capture_default_str();
    serve_->add_flag("--allow-remote",
                     options_.allow_remote,
                     "allow a --host other than loopback (there is no login: anyone who reaches "
                     "it can run jobs)");
}

bool ServeCommand::chosen() const {
    return serve_->parsed();
}

int ServeCommand::run(const std::atomic<bool>& stop) const {
    return serve::run_server(options_, stop);
}

}  // namespace tiersim::cli
