//! `cxc`: the ClusterXchange server and its administration commands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cxc_server::cli::main().await
}
