import { ABCWidgetFactory, DocumentRegistry } from '@jupyterlab/docregistry';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Contents } from '@jupyterlab/services';

import { DesignerDocument, DesignerPanel, FileOpener } from './document';

/** Makes designer tabs for pipeline files. */
export class DesignerFactory extends ABCWidgetFactory<
  DesignerDocument,
  DocumentRegistry.IModel
> {
  constructor(options: DesignerFactory.IOptions) {
    super(options);
    this._rendermime = options.rendermime;
    this._open = options.open;
    this._contents = options.contents;
  }

  protected createNewWidget(
    context: DocumentRegistry.Context
  ): DesignerDocument {
    const content = new DesignerPanel(
      context,
      this._rendermime,
      this._open,
      this._contents
    );
    return new DesignerDocument({ content, context, reveal: context.ready });
  }

  private _rendermime: IRenderMimeRegistry;
  private _open: FileOpener;
  private _contents: Contents.IManager;
}

export namespace DesignerFactory {
  export interface IOptions extends DocumentRegistry.IWidgetFactoryOptions<DesignerDocument> {
    rendermime: IRenderMimeRegistry;
    open: FileOpener;
    /** Where the documents look at their files on disk (changed elsewhere?). */
    contents: Contents.IManager;
  }
}
