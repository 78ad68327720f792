import pandas as pd
import pytest

from pipeline_widget import Dataset, Datastore, PipelineError, Workspace


def test_workspace_is_created_on_first_use(project):
    ws = Workspace(project)
    assert ws.root == project / "pipeline_workspace"
    assert not ws.root.exists()
    ws.ensure()
    assert (ws.root / "workspace.json").is_file()
    assert Workspace(ws.root).root == ws.root  # the data folder itself also names it


def test_default_datastore_lives_in_the_workspace(ws):
    store = ws.get_default_datastore()
    assert store.is_local and str(ws.root) in store.url
    path = store.data_path("step-1", "prepped")
    assert path.endswith("step-1/prepped")


def test_registered_datastore_round_trips(ws, project):
    store = Datastore.register(ws, "scratch", str(project / "scratch"))
    assert Datastore.get(ws, "scratch") == store
    assert "scratch" in ws.datastores
    with pytest.raises(PipelineError, match="not registered"):
        Datastore.get(ws, "nope")


def test_tabular_dataset_register_get_and_read(ws, project):
    csv = project / "raw.csv"
    csv.write_text("a,b\n1,2\n3,4\n")
    ds = Dataset.Tabular.from_delimited_files(csv).register(ws, "raw")
    again = Dataset.get_by_name(ws, "raw")
    assert again == ds and again.name == "raw"
    df = again.to_pandas_dataframe()
    assert isinstance(df, pd.DataFrame) and list(df.columns) == ["a", "b"] and len(df) == 2
    assert again.as_named_input("raw_data").name == "raw_data"


def test_file_dataset_download_copies_files(ws, project, tmp_path):
    folder = project / "files"
    folder.mkdir()
    (folder / "x.txt").write_text("x")
    ds = Dataset.File.from_files(folder)
    files = ds.download(tmp_path / "dl")
    assert [p.endswith("x.txt") for p in files] == [True]
    assert ds.to_path() == ["x.txt"]
    with pytest.raises(PipelineError, match="file dataset"):
        ds.to_pandas_dataframe()


def test_registering_a_different_dataset_under_a_taken_name_needs_a_new_version(ws, project):
    (project / "a.csv").write_text("a\n1\n")
    (project / "b.csv").write_text("b\n2\n")
    Dataset.Tabular.from_delimited_files(project / "a.csv").register(ws, "d")
    with pytest.raises(PipelineError, match="create_new_version"):
        Dataset.Tabular.from_delimited_files(project / "b.csv").register(ws, "d")
    Dataset.Tabular.from_delimited_files(project / "b.csv").register(ws, "d", create_new_version=True)
    assert Dataset.get_by_name(ws, "d").path.endswith("b.csv")


def test_missing_dataset_path_and_unknown_name_are_clear_errors(ws, project):
    with pytest.raises(PipelineError, match="does not exist"):
        Dataset.Tabular.from_delimited_files(project / "nope.csv")
    with pytest.raises(PipelineError, match="no dataset named 'ghost'"):
        Dataset.get_by_name(ws, "ghost")


def test_the_workspace_is_found_like_git_finds_its_folder(tmp_path, monkeypatch):
    from pipeline_widget import Workspace

    project = tmp_path / "project"
    (project / "notebooks" / "deep").mkdir(parents=True)
    monkeypatch.chdir(project / "notebooks" / "deep")
    assert Workspace().path == project / "notebooks" / "deep"   # nothing marks a project
    (project / "pyproject.toml").write_text("")
    assert Workspace().path == project                         # the project's root
    Workspace(project / "notebooks").ensure()                  # a workspace nearer wins
    assert Workspace().path == project / "notebooks"
    monkeypatch.chdir(tmp_path)
    assert Workspace().path == tmp_path
    assert Workspace(".").path == tmp_path and Workspace("project").path == project
