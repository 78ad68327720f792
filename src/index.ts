import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  ISessionContextDialogs,
  Toolbar,
  ToolbarButton,
  WidgetTracker
} from '@jupyterlab/apputils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { LabIcon } from '@jupyterlab/ui-components';

import { DesignerDocument } from './document';
import { DesignerFactory } from './factory';
import {
  ELYRA_EXTENSION,
  ELYRA_FILE_TYPE,
  EXTENSION,
  FACTORY,
  FILE_TYPE
} from './protocol';
import pipelineSvg from '../style/pipeline.svg';

/** The icon of pipeline files, the launcher tile and the New menu entry. */
export const pipelineIcon = new LabIcon({
  name: 'pipeline-widget:pipeline',
  svgstr: pipelineSvg
});

namespace CommandIDs {
  export const create = 'pipeline-widget:create-new';
}

/**
 * Opens `*.pipeline.json` files as pipeline designer documents (the JSON viewer and the
 * editor stay under Open With), and makes new ones from File > New and the launcher.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'pipeline-widget:plugin',
  description: 'The pipeline designer as a JupyterLab document',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [
    ILauncher,
    IMainMenu,
    ICommandPalette,
    IDefaultFileBrowser,
    ILayoutRestorer,
    ISessionContextDialogs
  ],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    launcher: ILauncher | null,
    mainMenu: IMainMenu | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null,
    restorer: ILayoutRestorer | null,
    sessionDialogs: ISessionContextDialogs | null
  ) => {
    app.docRegistry.addFileType({
      name: FILE_TYPE,
      displayName: 'Pipeline',
      extensions: [EXTENSION],
      mimeTypes: ['application/json'],
      contentType: 'file',
      fileFormat: 'text',
      icon: pipelineIcon
    });
    // Elyra's files: the designer is their default unless another extension (Elyra's own)
    // registered the suffix first; it is always under Open With
    const elyraTaken = app.docRegistry
      .getFileTypesForPath(`x${ELYRA_EXTENSION}`)
      .some(ft => ft.name !== ELYRA_FILE_TYPE);
    if (!elyraTaken) {
      app.docRegistry.addFileType({
        name: ELYRA_FILE_TYPE,
        displayName: 'Elyra Pipeline',
        extensions: [ELYRA_EXTENSION],
        mimeTypes: ['application/json'],
        contentType: 'file',
        fileFormat: 'text',
        icon: pipelineIcon
      });
    }
    const elyraType = elyraTaken
      ? app.docRegistry.getFileTypesForPath(`x${ELYRA_EXTENSION}`)[0].name
      : ELYRA_FILE_TYPE;

    const open = (path: string) => {
      void app.commands.execute('docmanager:open', { path });
    };
    const factory = new DesignerFactory({
      name: FACTORY,
      label: 'Pipeline Designer',
      fileTypes: [FILE_TYPE, elyraType],
      defaultFor: elyraTaken ? [FILE_TYPE] : [FILE_TYPE, elyraType],
      modelName: 'text',
      preferKernel: true,
      canStartKernel: true,
      autoStartDefault: true,
      shutdownOnClose: true,
      rendermime,
      open,
      contents: app.serviceManager.contents,
      toolbarFactory: (widget: DesignerDocument) => {
        const session = widget.context.sessionContext;
        const zoom = (
          name: string,
          label: string,
          tooltip: string,
          how: 'in' | 'out' | 'fit'
        ) => ({
          name,
          widget: new ToolbarButton({
            label,
            tooltip,
            className: `pw-${name}`,
            onClick: () => widget.content.zoom(how)
          })
        });
        return [
          zoom('zoomFit', 'Fit', 'Zoom to fit the whole pipeline', 'fit'),
          zoom('zoomIn', '+', 'Zoom in', 'in'),
          zoom('zoomOut', '\u2212', 'Zoom out', 'out'),
          { name: 'spacer', widget: Toolbar.createSpacerItem() },
          {
            name: 'kernelName',
            widget: Toolbar.createKernelNameItem(
              session,
              sessionDialogs ?? undefined
            )
          },
          {
            name: 'kernelStatus',
            widget: Toolbar.createKernelStatusItem(session)
          }
        ];
      }
    });
    app.docRegistry.addWidgetFactory(factory as DocumentRegistry.WidgetFactory);

    const tracker = new WidgetTracker<DesignerDocument>({
      namespace: 'pipeline-widget'
    });
    factory.widgetCreated.connect((_, widget) => {
      widget.title.icon = pipelineIcon;
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      void tracker.add(widget);
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: 'docmanager:open',
        args: widget => ({ path: widget.context.path, factory: FACTORY }),
        name: widget => widget.context.path
      });
    }

    app.commands.addCommand(CommandIDs.create, {
      label: args => (args['isPalette'] ? 'New Pipeline' : 'Pipeline'),
      caption:
        'Create a new pipeline (untitled.pipeline.json) and open it in the designer',
      icon: args => (args['isPalette'] ? undefined : pipelineIcon),
      execute: async args => {
        const cwd = (args['cwd'] as string) ?? browser?.model.path ?? '';
        const model = await app.serviceManager.contents.newUntitled({
          path: cwd,
          type: 'file',
          ext: EXTENSION
        });
        // newUntitled names it untitled<N>.pipeline.json; open it in the designer
        return app.commands.execute('docmanager:open', {
          path: model.path,
          factory: FACTORY
        });
      }
    });

    if (launcher) {
      launcher.add({
        command: CommandIDs.create,
        category: 'Other',
        rank: 0
      });
    }
    if (mainMenu) {
      mainMenu.fileMenu.newMenu.addGroup([{ command: CommandIDs.create }], 30);
    }
    if (palette) {
      palette.addItem({
        command: CommandIDs.create,
        args: { isPalette: true },
        category: 'Pipeline'
      });
    }
  }
};

export default plugin;
